"""The intake metrics middleware counts native and earlier-integration webhook URLs by entity."""

from __future__ import annotations

import pytest
from starlette.types import Message, Receive, Scope, Send

from tds.api.metrics import IntakeMetrics, IntakeTimer


async def answer_202(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 202, "headers": []})
    await send({"type": "http.response.body", "body": b""})


async def call(timer: IntakeTimer, path: str) -> None:
    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        return None

    await timer({"type": "http", "path": path, "method": "POST", "headers": []}, receive, send)


@pytest.mark.parametrize(
    ("path", "entity"),
    [
        ("/webhooks/zoho/items", "item"),
        ("/api/tds/webhooks/orders", "salesorder"),
        ("/api/tds/webhooks/vendors", "contact"),
        ("/api/tds/webhooks/gizmos", "unknown"),
    ],
)
async def test_webhook_requests_are_counted_under_their_entity(path: str, entity: str) -> None:
    """Each webhook URL is counted under the entity it feeds; an unknown name under `unknown`."""
    metrics = IntakeMetrics()
    await call(IntakeTimer(answer_202, metrics), path)
    assert (
        metrics.registry.get_sample_value(
            "tds_webhook_requests_total", {"entity": entity, "outcome": "accepted"}
        )
        == 1
    )


async def test_other_paths_are_not_counted() -> None:
    """Admin and health requests stay out of the webhook metrics."""
    metrics = IntakeMetrics()
    await call(IntakeTimer(answer_202, metrics), "/api/tds/other")
    await call(IntakeTimer(answer_202, metrics), "/health")
    counted = [s for m in metrics.registry.collect() if m.name == "tds_webhook_requests" for s in m.samples]
    assert counted == []
