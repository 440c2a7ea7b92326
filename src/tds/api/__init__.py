"""The HTTP face: webhooks, admin API, health, metrics and the dashboard."""
