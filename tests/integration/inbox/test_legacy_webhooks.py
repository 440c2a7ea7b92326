"""The earlier integration's URLs (`/api/tds/webhooks/{name}`) with `X-Webhook-Key`: the same intake."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from tds.entities.catalog import get
from tds.inbox.models import InboxEvent
from tds.queue.models import QueueJob
from tests.integration.inbox.conftest import MAX_BODY_BYTES, ClientFactory, Counts, sign

KEY = "EarlierWebhookKey2026"
RECORD_ID = "460000000077001"
ALIASES = {
    "products": "item",
    "customers": "contact",
    "invoices": "invoice",
    "orders": "salesorder",
    "prices": "pricebook",
    "stock": "inventory_adjustment",
    "payments": "customerpayment",
    "vendors": "contact",
    "users": "user",
}


def record(entity: str, **extra: object) -> dict[str, object]:
    spec = get(entity)
    return {spec.id_field: RECORD_ID, "last_modified_time": "2026-01-06T08:00:00+0300", **extra}


@pytest.fixture
async def keyed(client_factory: ClientFactory) -> httpx.AsyncClient:
    """The app with only a shared token configured, as the earlier integration had its key."""
    return await client_factory(shared_token=KEY)


async def events(engine: AsyncEngine) -> list[dict[str, Any]]:
    async with engine.connect() as conn:
        rows = await conn.execute(select(InboxEvent).order_by(InboxEvent.id))
        return [dict(r) for r in rows.mappings()]


async def jobs(engine: AsyncEngine) -> list[dict[str, Any]]:
    async with engine.connect() as conn:
        return [dict(r) for r in (await conn.execute(select(QueueJob))).mappings()]


@pytest.mark.parametrize(("alias", "entity"), ALIASES.items())
async def test_each_alias_with_x_webhook_key_lands_in_the_inbox_as_its_entity(
    keyed: httpx.AsyncClient, engine: AsyncEngine, alias: str, entity: str
) -> None:
    """The earlier envelope posted to each alias with `X-Webhook-Key` is one inbox row and one job."""
    data = record(entity, contact_type="vendor" if alias == "vendors" else "customer")
    body = {"entity_id": RECORD_ID, "data": data, "event": "updated"}
    response = await keyed.post(f"/api/tds/webhooks/{alias}", json=body, headers={"X-Webhook-Key": KEY})
    assert response.status_code == 202, response.text
    [event] = await events(engine)
    assert response.json() == {"status": "accepted", "event_id": event["id"]}
    assert (event["source"], event["entity"], event["entity_id"], event["action"]) == (
        "webhook",
        entity,
        RECORD_ID,
        "upsert",
    )
    assert event["payload"] == data
    assert "x-webhook-key" not in event["headers"]  # the key is never stored
    [job] = await jobs(engine)
    assert (job["inbox_event_id"], job["entity"], job["entity_key"]) == (
        event["id"],
        entity,
        f"{entity}:{RECORD_ID}",
    )


async def test_module_key_body_on_an_alias_dedupes_against_the_native_url(
    keyed: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    """Zoho's own `{"item": {...}}` on /products, then on /webhooks/zoho/item, is one event."""
    body = {"item": record("item", name="مضخة مياه")}
    first = await keyed.post("/api/tds/webhooks/products", json=body, headers={"X-Webhook-Key": KEY})
    second = await keyed.post("/webhooks/zoho/item", json=body, headers={"X-Webhook-Key": KEY})
    assert first.status_code == 202, first.text
    assert second.status_code == 200
    assert second.json() == {"status": "duplicate", "event_id": first.json()["event_id"]}
    assert len(await jobs(engine)) == 1


async def test_x_webhook_key_is_accepted_on_the_native_url(keyed: httpx.AsyncClient) -> None:
    """Every webhook route takes the key in `X-Webhook-Key`, not only the aliases."""
    body = {"contact": record("contact")}
    response = await keyed.post("/webhooks/zoho/contact", json=body, headers={"X-Webhook-Key": KEY})
    assert response.status_code == 202, response.text


async def test_wrong_or_missing_key_on_an_alias_is_refused_and_nothing_stored(
    keyed: httpx.AsyncClient, counts
) -> None:
    """401 for a wrong key and for none, naming why; no inbox row, not even a rejected one."""
    body = {"entity_id": RECORD_ID, "data": record("item")}
    wrong = await keyed.post("/api/tds/webhooks/products", json=body, headers={"X-Webhook-Key": "nope"})
    missing = await keyed.post("/api/tds/webhooks/products", json=body)
    assert (wrong.status_code, missing.status_code) == (401, 401)
    assert "wrong token" in wrong.json()["detail"]
    assert "X-Webhook-Key" in missing.json()["detail"]
    assert await counts() == Counts(inbox=0, queue=0, rejected=0)


async def test_signed_delivery_on_an_alias_passes_the_same_verification(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    """With an HMAC secret configured, a Zoho-signed body on an alias is accepted, as natively."""
    body = orjson.dumps({"salesorder": record("salesorder")})
    headers = {"Content-Type": "application/json", "X-Zoho-Webhook-Signature": sign(body)}
    response = await client.post("/api/tds/webhooks/orders", content=body, headers=headers)
    assert response.status_code == 202, response.text
    assert [e["entity"] for e in await events(engine)] == ["salesorder"]


async def test_unknown_alias_is_404_listing_the_accepted_names(keyed: httpx.AsyncClient, counts) -> None:
    """A name the earlier integration lacked answers 404 JSON with the nine names; nothing stored."""
    body = {"bill": record("bill")}
    response = await keyed.post("/api/tds/webhooks/bills", json=body, headers={"X-Webhook-Key": KEY})
    assert response.status_code == 404
    answer = response.json()
    assert answer["error"] == "UnknownEntity"
    assert answer["entity"] == "bills"
    assert ", ".join(ALIASES) in answer["detail"]
    assert "/webhooks/zoho/{entity}" in answer["detail"]
    assert await counts() == Counts(inbox=0, queue=0, rejected=0)


async def test_oversized_body_on_an_alias_is_413(keyed: httpx.AsyncClient) -> None:
    """The body cap applies to the aliases too."""
    body = {"entity_id": RECORD_ID, "data": record("item", pad="x" * MAX_BODY_BYTES)}
    response = await keyed.post("/api/tds/webhooks/products", json=body, headers={"X-Webhook-Key": KEY})
    assert response.status_code == 413


async def test_check_call_on_an_alias_is_ignored(keyed: httpx.AsyncClient, counts) -> None:
    """Zoho's empty check call answers 200 on an alias and stores nothing."""
    response = await keyed.post(
        "/api/tds/webhooks/invoices", json={"payload": ""}, headers={"X-Webhook-Key": KEY}
    )
    assert response.status_code == 200
    assert response.json() == {"status": "ignored", "reason": "check call"}
    assert await counts() == Counts(inbox=0, queue=0, rejected=0)


async def test_deleted_event_on_an_alias_stores_a_delete(
    keyed: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    """`event_type: deleted` with the id alone deletes, through the alias."""
    body = {"event_type": "deleted", "entity_id": RECORD_ID, "data": {}}
    response = await keyed.post("/api/tds/webhooks/customers", json=body, headers={"X-Webhook-Key": KEY})
    assert response.status_code == 202, response.text
    [event] = await events(engine)
    assert (event["entity"], event["entity_id"], event["action"]) == ("contact", RECORD_ID, "delete")


async def test_verified_bad_body_on_an_alias_is_kept_as_rejected(
    keyed: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    """A body refused after verification is kept for triage under the alias's entity, as natively."""
    body = {"entity_id": RECORD_ID, "data": {"contact": record("contact")}}
    response = await keyed.post("/api/tds/webhooks/products", json=body, headers={"X-Webhook-Key": KEY})
    assert response.status_code == 400
    assert "entity mismatch" in response.json()["detail"]
    [event] = await events(engine)
    assert (event["status"], event["entity"]) == ("rejected", "item")
    assert await jobs(engine) == []
