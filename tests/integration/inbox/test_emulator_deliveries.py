"""What the Zoho emulator sends (signed JSON, form, raw, PUT, deletes, check call) the receiver accepts."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tds.emulator.store import Change
from tds.emulator.webhooks import WebhookConfig, build_request
from tests.integration.inbox.conftest import SECRET

RECORD = {
    "invoice_id": "460000000054321",
    "invoice_number": "INV-000123",
    "customer_name": "مؤسسة النور",
    "total": 120.5,
    "last_modified_time": "2026-01-06T08:00:00+0300",
}


def change(event: str = "edited") -> Change:
    return Change("invoice", event, RECORD["invoice_id"], dict(RECORD), datetime(2026, 1, 6, tzinfo=UTC))  # type: ignore[arg-type]


async def deliver(client: httpx.AsyncClient, config: WebhookConfig, sent: Change | None) -> httpx.Response:
    request = build_request(config, "60001", sent)
    return await client.request(request.method, request.url, headers=request.headers, content=request.content)


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"body": "form"},
        {"body": "raw"},
        {"method": "PUT", "query_params": {"source": "books"}},
        {"body": "form", "query_params": {"zoho-org-id": "60001"}},
    ],
    ids=["json", "form", "raw", "put-with-query", "form-with-query"],
)
async def test_signed_emulator_delivery_is_accepted(
    client: httpx.AsyncClient, engine: AsyncEngine, options: dict[str, object]
) -> None:
    """Each body kind the emulator signs passes verification and lands as one invoice event."""
    config = WebhookConfig(url="http://tds.test/webhooks/zoho/invoices", secret=SECRET, **options)  # type: ignore[arg-type]
    response = await deliver(client, config, change())
    assert response.status_code == 202, response.text
    async with engine.connect() as conn:
        row = (
            await conn.execute(text("SELECT entity, entity_id, action, headers FROM tds.tds_inbox_events"))
        ).one()
    assert (row.entity, row.entity_id, row.action) == ("invoice", RECORD["invoice_id"], "upsert")
    assert row.headers["x-com-zoho-organizationid"] == "60001"


@pytest.mark.parametrize("deleted_as", ["query", "method"])
async def test_emulator_delete_is_stored_as_delete(
    client: httpx.AsyncClient, engine: AsyncEngine, deleted_as: str
) -> None:
    """A Deleted trigger, sent as `?event=deleted` or as HTTP DELETE, becomes a delete event."""
    config = WebhookConfig(url="http://tds.test/webhooks/zoho/invoice", secret=SECRET, deleted_as=deleted_as)  # type: ignore[arg-type]
    response = await deliver(client, config, change("deleted"))
    assert response.status_code == 202, response.text
    async with engine.connect() as conn:
        assert await conn.scalar(text("SELECT action FROM tds.tds_inbox_events")) == "delete"


@pytest.mark.parametrize("body", ["json", "form"])
async def test_emulator_check_call_is_acknowledged(
    client: httpx.AsyncClient, engine: AsyncEngine, body: str
) -> None:
    """The check call the emulator sends on registration answers 200 and stores nothing."""
    config = WebhookConfig(url="http://tds.test/webhooks/zoho/invoice", secret=SECRET, body=body)  # type: ignore[arg-type]
    response = await deliver(client, config, None)
    assert response.status_code == 200
    assert response.json()["reason"] == "check call"
    async with engine.connect() as conn:
        assert await conn.scalar(text("SELECT count(*) FROM tds.tds_inbox_events")) == 0
