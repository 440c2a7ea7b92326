"""Webhook in over HTTP -> inbox and queue -> worker pool -> ERP row and audit row, for every entity."""

from __future__ import annotations

import asyncio
import contextlib
import copy
from collections.abc import AsyncIterator

import httpx
import pytest

from tds.api.app import create_app
from tds.bootstrap import build_container
from tds.entities.catalog import ENTITIES, get
from tds.entities.target import build_handlers
from tds.worker.pool import WorkerPool
from tests.e2e.conftest import Stack, e2e_settings

ERP_TABLE = {
    "item": "products",
    "invoice": "invoices",
    "bill": "bills",
    "creditnote": "credit_notes",
    "salesorder": "sales_orders",
    "customerpayment": "payments",
    "vendorpayment": "payments",
    "pricebook": "price_lists",
    "inventory_adjustment": "stock_adjustments",
    "warehouse": "warehouses",
    "user": "users",
}


def erp_table(entity: str, record: dict[str, object]) -> str:
    if entity == "contact":
        return "vendors" if record.get("contact_type") == "vendor" else "customers"
    return ERP_TABLE[entity]


def bump(record: dict[str, object], minutes: int, **changes: object) -> dict[str, object]:
    """A later version of a record: same id, last_modified_time moved by `minutes`, fields changed."""
    newer = copy.deepcopy(record)
    stamp = str(record["last_modified_time"])
    hour, minute = int(stamp[11:13]), int(stamp[14:16]) + minutes
    newer["last_modified_time"] = f"{stamp[:11]}{hour + minute // 60:02d}:{minute % 60:02d}{stamp[16:]}"
    newer.update(changes)
    return newer


@pytest.mark.parametrize("entity", [spec.name for spec in ENTITIES])
async def test_webhook_lands_as_erp_row_with_audit(stack: Stack, zoho_records, entity: str) -> None:
    """A Zoho webhook for any entity becomes its ERP row (raw record kept) plus one audit row."""
    spec = get(entity)
    record = zoho_records[entity][0]
    response = await stack.post(entity, {spec.module_key: record})
    assert response.status_code == 202, response.text
    assert await stack.drain() == 1
    record_id = str(record[spec.id_field])
    rows = await stack.rows(
        f"SELECT * FROM erp.{erp_table(entity, record)} WHERE zoho_id = :id", id=record_id
    )
    assert len(rows) == 1
    assert rows[0]["raw"] == record
    assert rows[0]["is_deleted"] is False
    audit = await stack.rows(
        "SELECT * FROM tds.tds_audit_trail WHERE entity = :e AND entity_id = :id", e=entity, id=record_id
    )
    assert [a["action"] for a in audit] == ["insert"]
    assert audit[0]["inbox_event_id"] == response.json()["event_id"]
    inbox = await stack.rows("SELECT status, processed_at FROM tds.tds_inbox_events")
    assert inbox[0]["status"] == "processed"
    assert inbox[0]["processed_at"] is not None


async def test_duplicate_delivery_has_one_effect(stack: Stack, zoho_records) -> None:
    """The same delivery three times: one inbox row, one job, one ERP row, one audit row."""
    record = zoho_records["invoice"][0]
    answers = [await stack.post("invoices", {"invoice": record}) for _ in range(3)]
    assert [a.status_code for a in answers] == [202, 200, 200]
    assert await stack.drain() == 1
    assert len(await stack.rows("SELECT 1 FROM erp.invoices")) == 1
    assert len(await stack.rows("SELECT 1 FROM tds.tds_audit_trail")) == 1
    lines = await stack.rows("SELECT * FROM erp.invoice_lines ORDER BY line_no")
    assert len(lines) == len(record["line_items"])  # type: ignore[arg-type]


async def test_out_of_order_delivery_ends_in_newest_state(stack: Stack, zoho_records) -> None:
    """Version 2 applied before version 1 arrives: version 1 is skipped as stale, the ERP keeps v2."""
    item = zoho_records["item"][0]
    newer = bump(item, 5, name="اسم أحدث", rate=99.5)
    assert (await stack.post("item", {"item": newer})).status_code == 202
    await stack.drain()
    assert (await stack.post("item", {"item": item})).status_code == 202
    await stack.drain()
    rows = await stack.rows(
        "SELECT name, rate FROM erp.products WHERE zoho_id = :id", id=str(item["item_id"])
    )
    assert rows[0]["name"] == "اسم أحدث"
    assert float(rows[0]["rate"]) == 99.5  # type: ignore[arg-type]
    logs = await stack.rows("SELECT outcome FROM tds.tds_sync_logs ORDER BY id")
    assert [row["outcome"] for row in logs][-1] == "stale"


async def test_concurrent_deliveries_of_one_record_from_many_connections(stack: Stack, zoho_records) -> None:
    """Ten versions of one contact, posted concurrently and repeated: the ERP ends at the newest version."""
    contact = zoho_records["contact"][0]
    versions = [bump(contact, m, contact_name=f"Version {m}") for m in range(1, 11)]
    bodies = [{"contact": v} for v in versions] * 2
    answers = await asyncio.gather(*(stack.post("contacts", b) for b in bodies))
    assert sorted(a.status_code for a in answers) == [200] * 10 + [202] * 10
    workers = [stack.drain() for _ in range(4)]
    assert sum(await asyncio.gather(*workers)) + await stack.drain() == 10
    table = erp_table("contact", contact)
    rows = await stack.rows(
        f"SELECT name FROM erp.{table} WHERE zoho_id = :id", id=str(contact["contact_id"])
    )
    assert rows == [{"name": "Version 10"}]


async def test_delete_webhook_marks_row_deleted(stack: Stack, zoho_records) -> None:
    """A Deleted trigger (method DELETE) soft-deletes the ERP row and audits it."""
    item = zoho_records["item"][1]
    await stack.post("items", {"item": item})
    await stack.drain()
    response = await stack.client.request(
        "DELETE", "/webhooks/zoho/items", json={"item": item}, params={"token": "e2e-shared-token-0123"}
    )
    assert response.status_code == 202, response.text
    await stack.drain()
    rows = await stack.rows(
        "SELECT is_deleted FROM erp.products WHERE zoho_id = :id", id=str(item["item_id"])
    )
    assert rows == [{"is_deleted": True}]
    actions = await stack.rows("SELECT action FROM tds.tds_audit_trail ORDER BY id")
    assert [a["action"] for a in actions] == ["insert", "delete"]


async def test_running_pool_is_woken_by_notify(db_url: str, zoho_records) -> None:
    """With polling set to 60 s, a running pool still applies a webhook at once: NOTIFY wakes it."""
    async with running_stack(db_url, poll_interval_s=60.0) as stack:
        record = zoho_records["salesorder"][0]
        started = asyncio.get_running_loop().time()
        assert (await stack.post("salesorders", {"salesorder": record})).status_code == 202
        while not await stack.rows("SELECT 1 FROM erp.sales_orders"):
            assert asyncio.get_running_loop().time() - started < 10.0, "not woken by NOTIFY"
            await asyncio.sleep(0.02)


@contextlib.asynccontextmanager
async def running_stack(db_url: str, **worker: object) -> AsyncIterator[Stack]:
    settings = e2e_settings(**worker)
    container = await build_container(settings, database_url=db_url, migrate_now=False)
    pool = WorkerPool(container.sessions, container.engine, build_handlers(settings.erp), settings.worker)
    stop = asyncio.Event()
    runner = asyncio.create_task(pool.run(stop))
    transport = httpx.ASGITransport(app=create_app(container))
    try:
        await asyncio.sleep(0.5)  # let the pool LISTEN before the first delivery
        async with httpx.AsyncClient(transport=transport, base_url="http://tds.test") as client:
            yield Stack(container, pool, client=client)
    finally:
        stop.set()
        await runner
        await container.aclose()
