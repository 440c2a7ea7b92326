"""Every channel against a real local server: message content, signatures, TLS, routing and retries."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tds.alerts.deliveries import Delivery, Outcome
from tds.alerts.dispatch import Dispatcher, Route
from tds.alerts.notifiers.base import Notice, NotifyError
from tds.alerts.notifiers.email import EmailNotifier
from tds.alerts.notifiers.http import SlackNotifier, TelegramNotifier, WebhookNotifier
from tds.config_operations import EmailChannel, SlackChannel, TelegramChannel, WebhookChannel
from tests.notify_servers import http_receiver, smtp_server

NOTICE = Notice(
    kind="firing",
    rule="queue_backlog",
    severity="critical",
    message="1200 jobs pending",
    alert_id=7,
    fired_at=datetime(2026, 12, 2, 12, 0, tzinfo=UTC),
    details={"value": 1200, "threshold": 1000},
    link="https://tds.example/dashboard",
)


async def no_sleep(_: float) -> None:
    return None


@pytest.mark.parametrize("security", ["starttls", "tls"])
async def test_email_over_tls_with_login_has_text_and_html(security: str) -> None:
    """STARTTLS and implicit TLS both deliver, log in, and carry plain-text and HTML parts."""
    async with smtp_server(security=security, username="tds", password="pw-2026") as smtp:
        channel = EmailChannel(
            kind="email",
            host="127.0.0.1",
            port=smtp.port,
            security=security,  # type: ignore[arg-type]
            username="tds",
            password="pw-2026",
            sender="tds@example.com",
            recipients=["ops@example.com", "oncall@example.com"],
        )
        await EmailNotifier(channel, 10.0, tls_context=smtp.client_tls).send(NOTICE)
    [envelope] = smtp.mailbox.envelopes
    assert envelope.rcpt_tos == ["ops@example.com", "oncall@example.com"]
    assert smtp.mailbox.logins == [("tds", "pw-2026")]
    [message] = smtp.mailbox.messages
    assert message["Subject"] == "TDS Core [FIRING] CRITICAL queue_backlog: 1200 jobs pending"
    parts = {p.get_content_type(): p.get_payload(decode=True) for p in message.walk() if not p.is_multipart()}
    assert message.get_content_type() == "multipart/alternative"
    assert b"1200 jobs pending" in parts["text/plain"]
    assert b"threshold: 1000" in parts["text/plain"]
    assert b"<h2>[FIRING] CRITICAL queue_backlog</h2>" in parts["text/html"]


async def test_email_with_a_wrong_password_fails_clearly() -> None:
    """A refused login is a NotifyError naming the server, not a crash."""
    async with smtp_server(security="starttls", username="tds", password="right") as smtp:
        channel = EmailChannel(
            kind="email",
            host="127.0.0.1",
            port=smtp.port,
            username="tds",
            password="wrong",
            sender="tds@example.com",
            recipients=["ops@example.com"],
        )
        with pytest.raises(NotifyError, match=f"127.0.0.1:{smtp.port}"):
            await EmailNotifier(channel, 10.0, tls_context=smtp.client_tls).send(NOTICE)
    assert smtp.mailbox.envelopes == []


async def test_slack_gets_blocks() -> None:
    """Slack receives a header block with the title, the message, the details as fields and the link."""
    async with http_receiver(default=(200, b"ok")) as slack, httpx.AsyncClient() as http:
        await SlackNotifier(SlackChannel(kind="slack", webhook_url=f"{slack.url}/services/T/B/X"), http).send(
            NOTICE
        )
    [request] = slack.requests
    assert request.path == "/services/T/B/X"
    body = request.json()
    assert body["text"] == "[FIRING] CRITICAL queue_backlog: 1200 jobs pending"
    assert body["blocks"][0]["text"]["text"] == ":rotating_light: [FIRING] CRITICAL queue_backlog"
    assert body["blocks"][1]["text"]["text"] == "1200 jobs pending"
    assert {"type": "mrkdwn", "text": "*threshold*\n1000"} in body["blocks"][2]["fields"]
    assert "https://tds.example/dashboard" in body["blocks"][3]["elements"][0]["text"]


async def test_telegram_send_message_and_its_refusal() -> None:
    """sendMessage goes to /bot<token>/sendMessage with HTML text; an ok=false answer is a failure."""
    async with http_receiver(answers=[(200, b'{"ok": true}'), (200, b'{"ok": false}')]) as tg:
        channel = TelegramChannel(kind="telegram", bot_token="123:abc", chat_id="-100", api_base_url=tg.url)
        async with httpx.AsyncClient() as http:
            notifier = TelegramNotifier(channel, http)
            await notifier.send(NOTICE)
            with pytest.raises(NotifyError, match="Telegram refused"):
                await notifier.send(NOTICE)
    request = tg.requests[0]
    assert request.path == "/bot123:abc/sendMessage"
    body = request.json()
    assert (body["chat_id"], body["parse_mode"]) == ("-100", "HTML")
    assert body["text"].startswith("<b>[FIRING] CRITICAL queue_backlog</b>\n1200 jobs pending")


async def test_webhook_is_json_and_hmac_signed() -> None:
    """The generic webhook posts the notice as JSON with an HMAC-SHA256 signature of the exact body."""
    async with http_receiver() as hook, httpx.AsyncClient() as http:
        channel = WebhookChannel(kind="webhook", url=f"{hook.url}/alerts", secret="s3cret-2026")
        await WebhookNotifier(channel, http).send(NOTICE)
    [request] = hook.requests
    expected = "sha256=" + hmac.new(b"s3cret-2026", request.body, hashlib.sha256).hexdigest()
    assert request.headers["x-tds-signature"] == expected
    body = request.json()
    assert (body["kind"], body["alert_id"], body["severity"], body["rule"]) == (
        "firing",
        7,
        "critical",
        "queue_backlog",
    )
    assert body["details"] == {"value": 1200, "threshold": 1000}


def routed(dispatcher: Dispatcher, notices: list[Notice]) -> list[Delivery]:
    """The deliveries the monitor would store for `notices` (one per notice and channel taking it)."""
    pairs = [(notice, route.name) for notice in notices for route in dispatcher.routes_for(notice)]
    return [Delivery(n, channel, notice) for n, (notice, channel) in enumerate(pairs, start=1)]


def record_to(recorded: list[tuple[str, bool]]) -> Any:
    async def record(delivery: Delivery, outcome: Outcome) -> None:
        recorded.append((delivery.channel, outcome.sent))

    return record


async def test_dispatcher_routes_by_severity_and_role() -> None:
    """Warning-only and critical-only channels get what they take; escalation channels only escalations."""
    async with (
        http_receiver() as low,
        http_receiver() as high,
        http_receiver() as esc,
        httpx.AsyncClient() as http,
    ):

        def route(name: str, url: str, **kw: str) -> Route:
            return Route(name, WebhookNotifier(WebhookChannel(kind="webhook", url=url), http), **kw)  # type: ignore[arg-type]

        dispatcher = Dispatcher(
            [
                route("low", low.url),
                route("high", high.url, min_severity="critical"),
                route("esc", esc.url, role="escalation"),
            ],
            [],
        )
        warning = Notice(kind="firing", rule="queue_backlog", severity="warning", message="600 pending")
        escalated = Notice(
            kind="escalation", rule="queue_backlog", severity="critical", message="600", escalated=True
        )
        recorded: list[tuple[str, bool]] = []
        assert (
            dispatcher.submit_stored(routed(dispatcher, [warning, NOTICE, escalated]), record_to(recorded))
            == 6
        )
        await dispatcher.drain(5)
    assert sorted(recorded) == [("esc", True), ("high", True), ("high", True), *[("low", True)] * 3]
    assert [r.json()["message"] for r in low.requests] == ["600 pending", "1200 jobs pending", "600"]
    assert sorted(r.json()["message"] for r in high.requests) == ["1200 jobs pending", "600"]
    assert [r.json()["kind"] for r in esc.requests] == ["escalation"]


async def test_a_failing_channel_is_retried_with_backoff_and_never_blocks_the_others() -> None:
    """500, 503, then 200: delivered on the third try after the delays; the healthy channel is not held up."""
    delays: list[float] = []

    async def sleep(delay_s: float) -> None:
        delays.append(delay_s)

    flaky_server = http_receiver(answers=[(500, b"down"), (503, b"down")])
    async with flaky_server as flaky, http_receiver() as ok, httpx.AsyncClient() as http:
        routes = [
            Route("flaky", WebhookNotifier(WebhookChannel(kind="webhook", url=flaky.url), http)),
            Route("ok", WebhookNotifier(WebhookChannel(kind="webhook", url=ok.url), http)),
        ]
        dispatcher = Dispatcher(routes, [1.0, 4.0, 16.0], sleep=sleep)
        recorded: list[tuple[str, bool]] = []
        dispatcher.submit_stored(routed(dispatcher, [NOTICE]), record_to(recorded))
        await ok.wait_for(1)
        await dispatcher.drain(5)
    assert sorted(recorded) == [("flaky", True), ("ok", True)]
    assert len(flaky.requests) == 3
    assert delays == [1.0, 4.0]
    assert dispatcher.stats.sent == {"flaky": 1, "ok": 1}
    assert dispatcher.stats.failed_attempts == {"flaky": 2}


async def test_a_channel_that_never_answers_is_given_up_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    """An unreachable channel fails every attempt, is logged, and the dispatcher carries on."""
    async with http_receiver() as gone:
        url = gone.url  # the server closes at the end of this block: nothing listens on the port
    async with httpx.AsyncClient() as http:
        dispatcher = Dispatcher(
            [Route("gone", WebhookNotifier(WebhookChannel(kind="webhook", url=url), http))],
            [0.0, 0.0],
            sleep=no_sleep,
        )
        assert await dispatcher.deliver(dispatcher.routes[0], NOTICE) is False
    assert dispatcher.stats.given_up == {"gone": 1}
    assert dispatcher.stats.failed_attempts == {"gone": 3}
    assert "alert channel gone gave up" in caplog.text
