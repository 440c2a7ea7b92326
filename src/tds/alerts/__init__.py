"""Alerting: pure rules, the monitor loop and notifiers."""
