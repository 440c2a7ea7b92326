"""One bad record never stalls the rest: poisoned records among a thousand healthy ones, through a real
`tds worker` process on the foreign ERP, as its least-privileged role."""

from __future__ import annotations

import asyncio
import copy
import subprocess
import sys
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.e2e.conftest import Stack
from tests.foreign_erp.fixtures import ForeignErp
from tests.integration.foreign.test_living_inside import fetch, tds_env
from tests.integration.foreign.test_shadow import running

HEALTHY = 1000
STAMP = "2026-12-04T09:00:00+0300"
# Each poisoned class, the records of it, and what its dead letter must name.
POISONS: dict[str, tuple[int, str]] = {
    "duplicate_sku": (4, "another row already has the record's sku (products_sku_key)"),
    "long_sku": (4, "public.products.sku is character varying(50); the record's sku has 60 characters"),
    "long_name": (4, "public.products.name is character varying(200); the record's name has 250 characters"),
    "no_name": (4, "public.products.name is NOT NULL"),
    "fractional_stock": (4, "'stock_on_hand' is not a whole number"),
}


def item(n: int, **changes: Any) -> dict[str, Any]:
    record = {
        "item_id": f"77{n:011d}",
        "name": f"منتج {n}",
        "sku": f"HEALTHY-{n:05d}",
        "rate": 10 + n % 7,
        "stock_on_hand": n % 50,
        "status": "active",
        "last_modified_time": STAMP,
    }
    record.update(changes)
    return record


def poisoned(foreign: ForeignErp) -> dict[str, list[dict[str, Any]]]:
    taken = foreign.seeded.erp_only_sku
    made: dict[str, list[dict[str, Any]]] = {}
    n = 50_000
    for kind, (count, _) in POISONS.items():
        made[kind] = []
        for _ in range(count):
            n += 1
            changes: dict[str, Any] = {
                "duplicate_sku": {"sku": taken},
                "long_sku": {"sku": "S" * 60},
                "long_name": {"name": "ن" * 250},
                "no_name": {"name": None},
                "fractional_stock": {"stock_on_hand": "12.5"},
            }[kind]
            made[kind].append(item(n, **changes))
    return made


@pytest.fixture
async def intake(foreign_erp_db: ForeignErp) -> AsyncIterator[Stack]:
    """The API side in this process (webhook intake only); a `tds worker` process does the work."""
    async for stack in running(foreign_erp_db, shadow=False, max_attempts=30):
        yield stack


async def wait_settled(foreign: ForeignErp, timeout_s: float = 240.0) -> None:
    sql = "SELECT count(*) AS n FROM tds.tds_sync_queue WHERE status IN ('pending', 'processing')"
    for _ in range(int(timeout_s / 0.25)):
        if (await fetch(foreign.admin_url, sql))[0]["n"] <= 1:  # the sales order waits for its customer
            return
        await asyncio.sleep(0.25)
    raise AssertionError("the queue did not settle")


@pytest.mark.slow
async def test_poisoned_records_are_dead_lettered_once_and_never_stall_the_healthy(
    foreign_erp_db: ForeignErp, intake: Stack
) -> None:
    """20 poisoned items (5 classes) among 1,000 healthy ones: every healthy event is applied with p99
    ≤ 5 s, every poisoned one is dead-lettered after exactly one attempt naming its column; vendors
    (no target) and an item whose location lacks its id pass without a dead letter; a sales order
    waits for its customer and succeeds when it arrives; the breaker never opens."""
    foreign = foreign_erp_db
    env = tds_env(
        foreign,
        TDS_WORKER__RETRY_DELAYS_S="[0.5]",
        TDS_WORKER__RETRY_JITTER="0",
        TDS_WORKER__POLL_INTERVAL_S="0.2",
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "tds", "worker"], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        bad = poisoned(foreign)
        customer = next(
            c
            for c in foreign.zoho["contact"]
            if c["contact_id"] not in foreign.seeded.linked_contact_ids
            and c.get("contact_type") == "customer"
        )
        order = copy.deepcopy(foreign.zoho["salesorder"][0])
        order["customer_id"] = customer["contact_id"]
        for n, line in enumerate(order["line_items"]):
            line["item_id"] = item(n)["item_id"]  # healthy items, written before the customer comes
        vendors = [c for c in foreign.zoho["contact"] if c.get("contact_type") == "vendor"][:3]
        located = item(HEALTHY, locations=[{"location_name": "Main", "location_stock_on_hand": 3}])
        bodies: list[tuple[str, dict[str, Any]]] = [("salesorder", {"salesorder": order})]
        healthy = [item(n) for n in range(HEALTHY)]
        mixed = healthy[:]
        for offset, record in enumerate(r for kind in bad.values() for r in kind):
            mixed.insert(25 + offset * 48, record)
        bodies += [("item", {"item": r}) for r in mixed]
        bodies += [("contact", {"contact": v}) for v in vendors] + [("item", {"item": located})]
        for entity, body in bodies:
            answer = await intake.post(entity, body)
            assert answer.status_code == 202, answer.text
        await wait_settled(foreign)
        answer = await intake.post("contact", {"contact": customer})
        assert answer.status_code == 202
        await wait_settled(foreign)
        await _wait_order(foreign, order["salesorder_id"])
    finally:
        worker.terminate()
        _, stderr = worker.communicate(timeout=60)
    assert "opened after" not in stderr, stderr[-3000:]

    ids = [r["item_id"] for r in healthy] + [located["item_id"]]
    written = await fetch(
        foreign.admin_url,
        "SELECT count(*) AS n FROM public.products WHERE zoho_item_id = ANY($1::text[])",
        ids,
    )
    assert written[0]["n"] == HEALTHY + 1
    latency = await fetch(
        foreign.admin_url,
        "SELECT percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM processed_at - received_at)) "
        "AS p99 FROM tds.tds_inbox_events WHERE entity = 'item' AND entity_id = ANY($1::text[])",
        ids,
    )
    assert latency[0]["p99"] <= 5.0, latency

    letters = await fetch(
        foreign.admin_url,
        "SELECT entity_key, attempts, error, verdict FROM tds.tds_dead_letter_queue ORDER BY id",
    )
    by_id = {row["entity_key"].split(":", 1)[1]: row for row in letters}
    expected = {r["item_id"]: kind for kind, records in bad.items() for r in records}
    assert set(by_id) == set(expected), letters
    for item_id, kind in expected.items():
        row = by_id[item_id]
        assert row["attempts"] == 1, row
        assert row["verdict"] == "permanent", row
        assert POISONS[kind][1] in row["error"], (kind, row["error"])
    deferred = await fetch(
        foreign.admin_url, "SELECT count(*) AS n FROM tds.tds_sync_logs WHERE outcome = 'deferred'"
    )
    assert deferred[0]["n"] == 0
    vendor_logs = await fetch(
        foreign.admin_url,
        "SELECT l.outcome, q.status FROM tds.tds_sync_logs AS l "
        "JOIN tds.tds_sync_queue AS q ON q.id = l.queue_job_id "
        "WHERE l.entity = 'contact' AND l.entity_id = ANY($1::text[])",
        [v["contact_id"] for v in vendors],
    )
    assert {(r["outcome"], r["status"]) for r in vendor_logs} == {("not_in_profile", "skipped")}
    assert len(vendor_logs) == len(vendors)


async def _wait_order(foreign: ForeignErp, order_id: str) -> None:
    sql = "SELECT count(*) AS n FROM public.sales_orders WHERE zoho_salesorder_id = $1"
    for _ in range(200):
        if (await fetch(foreign.admin_url, sql, order_id))[0]["n"] == 1:
            retries = await fetch(
                foreign.admin_url,
                "SELECT count(*) AS n FROM tds.tds_sync_logs "
                "WHERE entity = 'salesorder' AND outcome = 'retry'",
            )
            assert retries[0]["n"] >= 1  # it did wait for its customer
            return
        await asyncio.sleep(0.1)
    logs = await fetch(
        foreign.admin_url,
        "SELECT l.outcome, l.message, q.status FROM tds.tds_sync_logs AS l "
        "JOIN tds.tds_sync_queue AS q ON q.id = l.queue_job_id WHERE l.entity IN ('salesorder', 'contact')",
    )
    raise AssertionError(f"the sales order was not written after its customer arrived: {logs}")
