"""The webhook endpoint over HTTP: accepted, duplicate, check call, and the rows each leaves behind."""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode

import httpx
import orjson
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tds.entities.catalog import ENTITIES, EntitySpec
from tests.integration.inbox.conftest import MAX_ATTEMPTS, ClientFactory, Counts, sign

TOKEN = "SharedToken2026"


def item_body(item_id: str = "460000000012345", **extra: object) -> bytes:
    record = {
        "item_id": item_id,
        "name": "مضخة مياه",
        "rate": 12.5,
        "last_modified_time": "2026-01-06T08:00:00+0300",
    }
    return orjson.dumps({"item": {**record, **extra}})


async def post_signed(
    client: httpx.AsyncClient,
    path: str,
    body: bytes,
    content_type: str = "application/json",
    **kwargs: object,
) -> httpx.Response:
    headers = {"Content-Type": content_type, "X-Zoho-Webhook-Signature": sign(body)}
    headers.update(kwargs.pop("headers", {}))  # type: ignore[arg-type]
    return await client.request(kwargs.pop("method", "POST"), path, content=body, headers=headers)  # type: ignore[arg-type]


async def test_new_webhook_is_accepted_with_one_inbox_row_and_one_queue_row(
    client: httpx.AsyncClient, engine: AsyncEngine, counts
) -> None:
    """A signed item webhook answers 202 with its event id; the inbox row and its queue row exist."""
    headers = {"User-Agent": "Zoho-Java", "X-Com-Zoho-Organizationid": "60001"}
    response = await post_signed(client, "/webhooks/zoho/item", item_body(), headers=headers)
    assert response.status_code == 202, response.text
    event_id = response.json()["event_id"]
    assert response.json() == {"status": "accepted", "event_id": event_id}
    assert await counts() == Counts(inbox=1, queue=1, rejected=0)
    async with engine.connect() as conn:
        event = (await conn.execute(text("SELECT * FROM tds.tds_inbox_events"))).mappings().one()
        job = (await conn.execute(text("SELECT * FROM tds.tds_sync_queue"))).mappings().one()
    assert event["id"] == event_id
    assert (event["source"], event["entity"], event["entity_id"], event["action"]) == (
        "webhook",
        "item",
        "460000000012345",
        "upsert",
    )
    assert event["payload"]["name"] == "مضخة مياه"
    assert event["source_modified_at"].isoformat() == "2026-01-06T05:00:00+00:00"
    assert event["headers"] == {
        "content-type": "application/json",
        "user-agent": "Zoho-Java",
        "x-com-zoho-organizationid": "60001",
    }
    assert (job["inbox_event_id"], job["entity"], job["entity_key"]) == (
        event_id,
        "item",
        "item:460000000012345",
    )
    assert (job["status"], job["max_attempts"]) == ("pending", MAX_ATTEMPTS)


async def test_duplicate_delivery_answers_200_with_the_first_event_id(
    client: httpx.AsyncClient, counts
) -> None:
    """The same delivery twice: 200 duplicate naming the first event; still one row of each."""
    first = await post_signed(client, "/webhooks/zoho/item", item_body())
    second = await post_signed(client, "/webhooks/zoho/items", item_body(), method="PUT")
    assert first.status_code == 202
    assert second.status_code == 200
    assert second.json() == {"status": "duplicate", "event_id": first.json()["event_id"]}
    counted = await counts()
    assert (counted.inbox, counted.queue) == (1, 1)


async def test_newer_version_of_a_record_is_a_new_event(client: httpx.AsyncClient, counts) -> None:
    """A later last_modified_time of the same record is accepted as a new event."""
    await post_signed(client, "/webhooks/zoho/item", item_body())
    newer = await post_signed(
        client, "/webhooks/zoho/item", item_body(last_modified_time="2026-01-07T08:00:00+0300")
    )
    assert newer.status_code == 202
    assert (await counts()).queue == 2


async def test_delete_method_stores_a_delete_event(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    """A DELETE delivery is stored with action delete."""
    response = await post_signed(client, "/webhooks/zoho/item", item_body(), method="DELETE")
    assert response.status_code == 202
    async with engine.connect() as conn:
        assert await conn.scalar(text("SELECT action FROM tds.tds_inbox_events")) == "delete"


async def test_form_delivery_dedupes_against_json_delivery(client: httpx.AsyncClient, counts) -> None:
    """The same record as form JSONString after JSON is a duplicate of it."""
    first = await post_signed(client, "/webhooks/zoho/item", item_body())
    form = urlencode({"JSONString": item_body().decode()}).encode()
    second = await post_signed(
        client,
        "/webhooks/zoho/item",
        form,
        "application/x-www-form-urlencoded;charset=UTF-8",
        headers={"X-Zoho-Webhook-Signature": sign(b"JSONString" + item_body())},
    )
    assert second.status_code == 200, second.text
    assert second.json()["event_id"] == first.json()["event_id"]
    assert (await counts()).queue == 1


@pytest.mark.parametrize(
    ("body", "content_type"),
    [(b"payload=", "application/x-www-form-urlencoded"), (b'{"payload": ""}', "application/json")],
)
async def test_check_call_answers_200_and_stores_nothing(
    client: httpx.AsyncClient, counts, body: bytes, content_type: str
) -> None:
    """Zoho's empty check call is acknowledged and leaves no row anywhere."""
    response = await post_signed(client, "/webhooks/zoho/invoice", body, content_type)
    assert response.status_code == 200
    assert response.json() == {"status": "ignored", "reason": "check call"}
    counted = await counts()
    assert (counted.inbox, counted.queue, counted.rejected) == (0, 0, 0)


async def test_concurrent_identical_deliveries_store_one_event(client: httpx.AsyncClient, counts) -> None:
    """Twenty identical deliveries at once: one 202, nineteen 200 with the same id, one row of each."""
    body = item_body("460000000099999")
    responses = await asyncio.gather(*(post_signed(client, "/webhooks/zoho/item", body) for _ in range(20)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] * 19 + [202]
    assert len({r.json()["event_id"] for r in responses}) == 1
    counted = await counts()
    assert (counted.inbox, counted.queue) == (1, 1)


@pytest.mark.parametrize("spec", ENTITIES, ids=lambda s: s.name)
async def test_webhook_for_every_catalog_entity_is_accepted(
    client: httpx.AsyncClient, engine: AsyncEngine, spec: EntitySpec
) -> None:
    """Each entity's default payload at its URL is accepted and queued under its canonical name."""
    body = orjson.dumps({spec.module_key: {spec.id_field: "4600000000001", "last_modified_time": ""}})
    response = await post_signed(client, f"/webhooks/zoho/{spec.aliases[0]}", body)
    assert response.status_code == 202, response.text
    async with engine.connect() as conn:
        key = await conn.scalar(text("SELECT entity_key FROM tds.tds_sync_queue"))
    assert key == f"{spec.name}:4600000000001"


async def test_token_in_query_is_enough_when_only_a_token_is_configured(
    client_factory: ClientFactory, counts
) -> None:
    """With a shared token configured, `?token=` authenticates an unsigned delivery."""
    client = await client_factory(shared_token=TOKEN)
    response = await client.post(
        f"/webhooks/zoho/item?token={TOKEN}",
        content=item_body(),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 202, response.text
    assert (await counts()).queue == 1


async def test_signature_over_sorted_query_and_body_is_accepted(client: httpx.AsyncClient) -> None:
    """Query parameters Zoho adds take part in the signature, sorted, before the body."""
    body = item_body()
    response = await client.post(
        "/webhooks/zoho/item?zoho-org-id=60001&event=edited",
        content=body,
        headers={
            "Content-Type": "application/json",
            "X-Zoho-Webhook-Signature": sign(body, b"eventeditedzoho-org-id60001"),
        },
    )
    assert response.status_code == 202, response.text


async def test_nothing_configured_rejects_with_a_clear_message(client_factory: ClientFactory, counts) -> None:
    """No secret and no token: 401 saying none is configured; nothing is stored."""
    client = await client_factory()
    response = await client.post(
        "/webhooks/zoho/item", content=item_body(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 401
    assert "no webhook secret or token is configured" in response.json()["detail"]
    assert (await counts()).rejected == 0


async def test_disabled_verification_accepts_unsigned_deliveries(client_factory: ClientFactory) -> None:
    """verification_disabled lets an unsigned delivery in."""
    client = await client_factory(verification_disabled=True)
    response = await client.post(
        "/webhooks/zoho/item", content=item_body(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 202


async def test_entity_listing_names_every_entity(client: httpx.AsyncClient) -> None:
    """GET /webhooks/zoho lists every catalog entity with its aliases and URL."""
    response = await client.get("/webhooks/zoho")
    assert response.status_code == 200
    listed = {entry["name"]: entry for entry in response.json()["entities"]}
    assert set(listed) == {spec.name for spec in ENTITIES}
    assert listed["customerpayment"]["module_key"] == "payment"
    assert "products" in listed["item"]["aliases"]
    assert listed["item"]["url"] == "/webhooks/zoho/item"
