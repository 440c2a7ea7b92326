"""Builds the configured channels (one shared HTTP client for the HTTP ones) as dispatcher routes."""

from __future__ import annotations

import httpx

from tds.alerts.dispatch import Dispatcher, Route
from tds.alerts.notifiers.base import Notifier
from tds.alerts.notifiers.email import EmailNotifier
from tds.alerts.notifiers.http import SlackNotifier, TelegramNotifier, WebhookNotifier
from tds.config_operations import AlertSettings, ChannelSettings


def build_notifier(channel: ChannelSettings, http: httpx.AsyncClient, timeout_s: float) -> Notifier:
    target = channel.target
    if target.kind == "email":
        return EmailNotifier(target, timeout_s)
    if target.kind == "slack":
        return SlackNotifier(target, http)
    if target.kind == "telegram":
        return TelegramNotifier(target, http)
    return WebhookNotifier(target, http)


def build_dispatcher(settings: AlertSettings, http: httpx.AsyncClient) -> Dispatcher:
    routes = [
        Route(
            name=channel.name,
            notifier=build_notifier(channel, http, settings.timeout_s),
            min_severity=channel.min_severity,
            role=channel.role,
            send_resolved=channel.send_resolved,
        )
        for channel in settings.channels
    ]
    return Dispatcher(routes, settings.retry_delays_s)


def http_client(settings: AlertSettings) -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=httpx.Timeout(settings.timeout_s), follow_redirects=False)
