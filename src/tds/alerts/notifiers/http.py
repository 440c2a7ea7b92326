"""Channels over HTTP (httpx): Slack incoming webhook (blocks), Telegram sendMessage, signed JSON webhook."""

from __future__ import annotations

import hashlib
import hmac
import html
from typing import Any

import httpx
import orjson

from tds.alerts.notifiers.base import Notice, NotifyError, plain_text
from tds.config_operations import SlackChannel, TelegramChannel, WebhookChannel

SEVERITY_EMOJI = {"warning": ":warning:", "critical": ":rotating_light:"}


async def _post(http: httpx.AsyncClient, url: str, what: str, **kwargs: Any) -> httpx.Response:
    """POSTs and raises NotifyError for an answer other than 2xx (the URL, a secret, is never shown)."""
    try:
        response = await http.post(url, **kwargs)
    except httpx.HTTPError as exc:
        raise NotifyError(f"{what} could not be reached ({type(exc).__name__})") from exc
    if not response.is_success:
        raise NotifyError(f"{what} answered HTTP {response.status_code}: {response.text[:200]}")
    return response


class SlackNotifier:
    """A Slack incoming webhook: a header, the message, the details as fields, and a link."""

    def __init__(self, channel: SlackChannel, http: httpx.AsyncClient) -> None:
        self.url = channel.webhook_url.get_secret_value()
        self.http = http

    def payload(self, notice: Notice) -> dict[str, Any]:
        emoji = ":white_check_mark:" if notice.kind == "resolved" else SEVERITY_EMOJI.get(notice.severity, "")
        blocks: list[dict[str, Any]] = [
            {"type": "header", "text": {"type": "plain_text", "text": f"{emoji} {notice.title}"[:150]}},
            {"type": "section", "text": {"type": "mrkdwn", "text": notice.message[:2900]}},
        ]
        fields = [{"type": "mrkdwn", "text": f"*{k}*\n{v}"} for k, v in list(notice.details.items())[:10]]
        if fields:
            blocks.append({"type": "section", "fields": fields})
        if notice.link:
            blocks.append(
                {"type": "context", "elements": [{"type": "mrkdwn", "text": f"<{notice.link}|dashboard>"}]}
            )
        return {"text": f"{notice.title}: {notice.message}", "blocks": blocks}

    async def send(self, notice: Notice) -> None:
        await _post(self.http, self.url, "Slack", json=self.payload(notice))


class TelegramNotifier:
    """The Telegram bot API's sendMessage, HTML formatted; a reply with ok=false is a failure."""

    def __init__(self, channel: TelegramChannel, http: httpx.AsyncClient) -> None:
        base = channel.api_base_url.rstrip("/")
        self.url = f"{base}/bot{channel.bot_token.get_secret_value()}/sendMessage"
        self.chat_id = channel.chat_id
        self.http = http

    def payload(self, notice: Notice) -> dict[str, Any]:
        details = "\n".join(
            f"{html.escape(str(k))}: {html.escape(str(v))}" for k, v in notice.details.items()
        )
        text = f"<b>{html.escape(notice.title)}</b>\n{html.escape(notice.message)}"
        if details:
            text += f"\n\n{details}"
        if notice.link:
            text += f"\n{html.escape(notice.link)}"
        return {
            "chat_id": self.chat_id,
            "text": text[:4096],
            "parse_mode": "HTML",
            "disable_web_page_preview": True,
        }

    async def send(self, notice: Notice) -> None:
        response = await _post(self.http, self.url, "Telegram", json=self.payload(notice))
        try:
            ok = bool(response.json().get("ok"))
        except ValueError:
            ok = False
        if not ok:
            raise NotifyError(f"Telegram refused the message: {response.text[:200]}")


class WebhookNotifier:
    """A JSON POST; with a secret, `X-TDS-Signature: sha256=<hex HMAC of the body>`."""

    def __init__(self, channel: WebhookChannel, http: httpx.AsyncClient) -> None:
        self.channel = channel
        self.http = http

    def request(self, notice: Notice) -> tuple[bytes, dict[str, str]]:
        body = orjson.dumps(notice.as_dict() | {"text": plain_text(notice)})
        headers = {"Content-Type": "application/json"}
        if self.channel.secret is not None:
            key = self.channel.secret.get_secret_value().encode()
            headers[self.channel.signature_header] = (
                "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()
            )
        return body, headers

    async def send(self, notice: Notice) -> None:
        body, headers = self.request(notice)
        await _post(self.http, self.channel.url, "the alert webhook", content=body, headers=headers)
