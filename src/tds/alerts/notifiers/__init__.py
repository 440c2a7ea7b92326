"""Notification channels behind one Notifier protocol: email, Slack, Telegram and a generic webhook."""
