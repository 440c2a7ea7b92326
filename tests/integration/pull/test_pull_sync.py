"""Pull sync against the emulator over real HTTP, through the same inbox, queue and handlers as webhooks."""

from __future__ import annotations

import asyncio

import pytest

from tds.emulator.options import EmulatorOptions
from tds.emulator.shapes import list_row
from tds.emulator.webhooks import WebhookConfig
from tds.entities.catalog import ENTITY_NAMES, get
from tds.pull.repository import SyncRunRepository
from tests.integration.pull.conftest import SMALL, TOKEN, FastTime, PullStack


async def full_sync_all(stack: PullStack) -> None:
    for entity in ENTITY_NAMES:
        totals = await stack.pull.service.run(entity, "full")
        assert totals.status == "succeeded", entity
    await stack.drain()


async def assert_erp_equals_emulator(stack: PullStack) -> None:
    """Every ERP row holds Zoho's record: its detail, or its list row where that is the whole record."""
    for entity in ENTITY_NAMES:
        expected = stack.zoho_records(entity)
        if not get(entity).needs_detail:
            expected = {zoho_id: list_row(entity, record) for zoho_id, record in expected.items()}
        assert await stack.erp_records(entity) == expected, entity


async def test_full_sync_of_every_entity_makes_erp_equal_to_zoho(make_stack) -> None:
    """After a full sync, every ERP row holds exactly the emulator's record, for every entity."""
    stack = await make_stack()
    await full_sync_all(stack)
    await assert_erp_equals_emulator(stack)
    runs = await stack.rows("SELECT entity, status, pages, records, enqueued FROM tds.tds_sync_runs")
    assert {r["status"] for r in runs} == {"succeeded"}
    items = next(r for r in runs if r["entity"] == "item")
    assert items["records"] == SMALL.items
    assert items["pages"] == -(-SMALL.items // 10)
    await assert_stock_and_prices_match(stack)


async def assert_stock_and_prices_match(stack: PullStack) -> None:
    """Stock per warehouse and price-list rates in the ERP are Zoho's, row for row."""
    zoho_stock = {
        (item_id, w["warehouse_id"]): float(w["warehouse_stock_on_hand"])
        for item_id, item in stack.zoho_records("item").items()
        for w in item["warehouses"]
    }
    rows = await stack.rows("SELECT item_zoho_id, warehouse_zoho_id, stock_on_hand FROM erp.stock_levels")
    assert {
        (r["item_zoho_id"], r["warehouse_zoho_id"]): float(r["stock_on_hand"]) for r in rows
    } == zoho_stock
    zoho_prices = {
        (book_id, str(p["item_id"])): float(p["pricebook_rate"])
        for book_id, book in stack.zoho_records("pricebook").items()
        for p in book["pricebook_items"]
    }
    rows = await stack.rows(
        "SELECT price_list_zoho_id, item_zoho_id, price_list_rate FROM erp.price_list_items"
    )
    erp_prices = {(r["price_list_zoho_id"], r["item_zoho_id"]): float(r["price_list_rate"]) for r in rows}
    assert erp_prices == zoho_prices


async def test_incremental_sync_after_mutations_makes_erp_equal_again(make_stack) -> None:
    """Creates and edits in Zoho after a full sync are pulled by an incremental run; the stock the new
    documents moved (without stamping their items) arrives by the stock refreshes they ask for."""
    stack = await make_stack()
    await full_sync_all(stack)
    followups = stack.with_followups()
    for entity in ("item", "contact", "invoice", "bill", "salesorder"):
        await stack.emulator.mutator.create(entity)
        record_id = next(iter(stack.zoho_records(entity)))
        await stack.emulator.mutator.edit(entity, record_id)
    stack.emulator.clock.advance(1)
    before = len(await stack.rows("SELECT 1 FROM tds.tds_inbox_events"))
    for entity in ENTITY_NAMES:
        assert (await stack.pull.service.run(entity, "incremental")).status == "succeeded"
    await stack.settle(followups)
    await assert_erp_equals_emulator(stack)
    new_events = len(await stack.rows("SELECT 1 FROM tds.tds_inbox_events")) - before
    assert new_events >= 10  # the ten changes, and nothing like a second full copy
    assert new_events < SMALL.items


async def test_incremental_run_heals_dropped_webhooks(make_stack) -> None:
    """Webhooks the emulator drops on purpose leave the ERP behind; the next incremental run heals it."""
    hooks = [
        WebhookConfig(url=f"http://tds.test/webhooks/zoho/{e}", entities=[e], query_params={"token": TOKEN})
        for e in ("item", "invoice")
    ]
    stack = await make_stack(webhooks=hooks)
    await full_sync_all(stack)
    stack.emulator.webhooks.switches.drop.next = 2
    await stack.emulator.mutator.edit("item", next(iter(stack.zoho_records("item"))))
    await stack.emulator.mutator.edit("invoice", next(iter(stack.zoho_records("invoice"))))
    await stack.emulator.mutator.edit("item", list(stack.zoho_records("item"))[1])
    assert await stack.emulator.webhooks.drain()
    await stack.drain()
    assert await stack.erp_records("item") != stack.zoho_records("item") or await stack.erp_records(
        "invoice"
    ) != stack.zoho_records("invoice")
    for entity in ("item", "invoice"):
        assert (await stack.pull.service.run(entity, "incremental")).status == "succeeded"
    await stack.drain()
    assert await stack.erp_records("item") == stack.zoho_records("item")
    assert await stack.erp_records("invoice") == stack.zoho_records("invoice")


async def test_killed_full_run_resumes_without_gaps_or_duplicates(make_stack) -> None:
    """A full run killed after three pages resumes at page four and ends with every record once."""
    stack = await make_stack()

    def kill_after_three(run_id: int, totals) -> None:
        if totals.pages == 3:
            raise KeyboardInterrupt  # stands in for the process dying between pages

    with pytest.raises(KeyboardInterrupt):
        await stack.pull.service.run("item", "full", on_progress=kill_after_three)
    cursor = await stack.rows(
        "SELECT next_page FROM tds.tds_sync_cursors WHERE entity = 'item' AND mode = 'full'"
    )
    assert cursor == [{"next_page": 4}]
    totals = await stack.pull.service.run("item", "full")
    assert totals.status == "succeeded"
    assert totals.pages == -(-SMALL.items // 10) - 3
    await stack.drain()
    assert await stack.erp_records("item") == stack.zoho_records("item")
    per_record = await stack.rows(
        "SELECT entity_id, count(*) AS n FROM tds.tds_inbox_events GROUP BY entity_id"
    )
    assert len(per_record) == SMALL.items
    assert {r["n"] for r in per_record} == {1}


async def test_token_expiring_mid_run_is_refreshed(make_stack) -> None:
    """Access tokens that live one second expire during a run; the client refreshes and the run succeeds."""
    options = EmulatorOptions(sizes=SMALL, per_minute_limit=0, token_lifetime_s=1.0, latency_s=0.05)
    stack = await make_stack(options)
    totals = await stack.pull.service.run("item", "full")
    assert totals.status == "succeeded"
    assert stack.pull.client.stats.token_refreshes >= 2
    await stack.drain()
    assert await stack.erp_records("item") == stack.zoho_records("item")


async def test_rate_limit_429s_slow_the_run_without_failing_it(make_stack) -> None:
    """An emulator limit of 10 calls a minute answers 429s; the client waits them out and succeeds.

    Both sides run on a clock 60x faster than the wall clock, so a Zoho minute lasts one second here.
    """
    fast = FastTime(speed=60.0)
    options = EmulatorOptions(sizes=SMALL, per_minute_limit=10)
    stack = await make_stack(options, fast=fast)
    totals = await stack.pull.service.run("item", "full")
    assert totals.status == "succeeded"
    assert stack.emulator.limiter.refused["per_minute"] > 0
    assert stack.pull.client.stats.rate_limited > 0
    await stack.drain()
    assert await stack.erp_records("item") == stack.zoho_records("item")


async def test_pull_and_webhook_of_the_same_change_have_one_effect(make_stack) -> None:
    """A record delivered by webhook and then pulled in the same version is one inbox row, one audit row."""
    hooks = [
        WebhookConfig(
            url="http://tds.test/webhooks/zoho/item", entities=["item"], query_params={"token": TOKEN}
        )
    ]
    stack = await make_stack(webhooks=hooks)
    await stack.emulator.mutator.create("item")
    assert await stack.emulator.webhooks.drain()
    await stack.drain()
    assert (await stack.pull.service.run("item", "full")).status == "succeeded"
    await stack.drain()
    per_record = await stack.rows(
        "SELECT entity_id, count(*) AS n FROM tds.tds_inbox_events GROUP BY entity_id"
    )
    assert {r["n"] for r in per_record} == {1}
    audits = await stack.rows("SELECT entity_id, count(*) AS n FROM tds.tds_audit_trail GROUP BY entity_id")
    assert {r["n"] for r in audits} == {1}


async def test_cancel_request_stops_a_run_after_its_page(make_stack) -> None:
    """A cancel requested while a run is going ends it as cancelled, with the cursor kept for resuming."""
    options = EmulatorOptions(sizes=SMALL, per_minute_limit=0, latency_s=0.05)
    stack = await make_stack(options)
    run_id = await stack.pull.service.start_run("item", "full")
    task = asyncio.create_task(stack.pull.service.run("item", "full", run_id=run_id))
    while not (await stack.rows("SELECT 1 FROM tds.tds_sync_runs WHERE id = :id AND pages > 0", id=run_id)):
        await asyncio.sleep(0.01)
    async with stack.container.sessions() as session, session.begin():
        assert await SyncRunRepository(session).request_cancel(run_id)
    totals = await task
    assert totals.status == "cancelled"
    run = (await stack.rows("SELECT status, pages FROM tds.tds_sync_runs WHERE id = :id", id=run_id))[0]
    assert run["status"] == "cancelled"
    assert run["pages"] < -(-SMALL.items // 10)
    cursor = await stack.rows("SELECT next_page FROM tds.tds_sync_cursors WHERE entity = 'item'")
    assert cursor[0]["next_page"] == run["pages"] + 1
