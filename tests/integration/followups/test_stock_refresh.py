"""Fresh stock against the emulator: documents move an item's stock without stamping it, and the stock
refresh they ask for brings the ERP's stock per warehouse back in step, one detail call per window."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from tds.config import ErpMappingSettings
from tds.db.engine import transaction
from tds.emulator.faults import FaultRule
from tds.emulator.webhooks import WebhookConfig
from tds.followups.kinds import FollowupKind, FollowupRequest
from tds.followups.repository import FollowupRepository
from tds.pull.factory import build_pull
from tests.integration.profiles.conftest import EXAMPLES, run_ddl
from tests.integration.pull.conftest import TOKEN, PullStack
from tests.integration.pull.test_economy import EmulatorDayClock

HOOKED = ("inventory_adjustment", "invoice", "bill", "salesorder")
ITEM_DETAIL = "GET /items/{id}"
STOCK_SQL = """
SELECT stock_on_hand, committed_stock FROM erp.stock_levels
WHERE item_zoho_id = :item AND warehouse_zoho_id = :warehouse
"""


def hooks() -> list[WebhookConfig]:
    return [
        WebhookConfig(url=f"http://tds.test/webhooks/zoho/{e}", entities=[e], query_params={"token": TOKEN})
        for e in HOOKED
    ]


async def stocked(make_stack: Any, **zoho: object) -> PullStack:
    """The stack with webhooks for stock-moving documents and every item (with its stock) in the ERP."""
    stack: PullStack = await make_stack(webhooks=hooks(), **zoho)
    assert (await stack.pull.service.run("item", "full")).status == "succeeded"
    await stack.drain()
    return stack


def tracked_item(stack: PullStack) -> tuple[str, str]:
    item = next(i for i in stack.zoho_records("item").values() if i["warehouses"])
    return item["item_id"], item["warehouses"][0]["warehouse_id"]


def zoho_stock(stack: PullStack, item_id: str, warehouse_id: str) -> tuple[float, float]:
    item = stack.zoho_records("item")[item_id]
    row = next(w for w in item["warehouses"] if w["warehouse_id"] == warehouse_id)
    return float(row["warehouse_stock_on_hand"]), float(row["warehouse_committed_stock"])


async def erp_stock(stack: PullStack, item_id: str, warehouse_id: str) -> tuple[float, float]:
    (row,) = await stack.rows(STOCK_SQL, item=item_id, warehouse=warehouse_id)
    return float(row["stock_on_hand"]), float(row["committed_stock"])


async def adjust(stack: PullStack, item_id: str, warehouse_id: str, quantity: int) -> str:
    line = {
        "line_item_id": "1",
        "item_id": item_id,
        "warehouse_id": warehouse_id,
        "quantity_adjusted": quantity,
    }
    (change,) = await stack.emulator.mutator.create(
        "inventory_adjustment", {"status": "adjusted", "line_items": [line]}
    )
    return change.record_id


async def document(
    stack: PullStack, entity: str, status: str, item_id: str, warehouse_id: str, n: int
) -> None:
    line = {"line_item_id": "1", "item_id": item_id, "warehouse_id": warehouse_id, "quantity": n, "rate": 1}
    await stack.emulator.mutator.create(entity, {"status": status, "line_items": [line]})


async def deliver(stack: PullStack) -> None:
    """The emulator's webhooks into TDS Core, and the worker through them."""
    assert await stack.emulator.webhooks.drain()
    await stack.drain()


async def followups(stack: PullStack) -> list[dict[str, Any]]:
    return await stack.rows("SELECT zoho_id, status, attempts, last_error FROM tds.tds_followups ORDER BY id")


async def execute(stack: PullStack, sql: str) -> None:
    async with transaction(stack.container.sessions) as session:
        await session.execute(text(sql))


async def window_over(stack: PullStack) -> None:
    """Time passes: the refreshes asked for are due."""
    await execute(stack, "UPDATE tds.tds_followups SET run_after = now()")


async def test_an_adjustment_that_leaves_the_item_unstamped_reaches_stock_levels(make_stack) -> None:
    """Zoho moves the stock but not the item's last_modified_time, so the pull would never fetch it;
    the adjustment's refresh, one window later, brings the warehouse's stock to the ERP."""
    stack = await stocked(make_stack)
    runner = stack.with_followups(stock_window_s=60.0)
    item_id, warehouse_id = tracked_item(stack)
    stamp = stack.zoho_records("item")[item_id]["last_modified_time"]
    before = await erp_stock(stack, item_id, warehouse_id)
    await adjust(stack, item_id, warehouse_id, 7)
    await deliver(stack)
    assert zoho_stock(stack, item_id, warehouse_id)[0] == before[0] + 7
    assert stack.zoho_records("item")[item_id]["last_modified_time"] == stamp
    assert (await stack.pull.service.run("item", "incremental")).enqueued == 0  # the pull cannot see it
    assert await erp_stock(stack, item_id, warehouse_id) == before
    assert [(r["zoho_id"], r["status"]) for r in await followups(stack)] == [(item_id, "pending")]
    assert (await runner.run_once()).claimed == 0  # the window is not over
    await window_over(stack)
    assert (await runner.run_once()).done == 1
    await stack.drain()
    assert await erp_stock(stack, item_id, warehouse_id) == zoho_stock(stack, item_id, warehouse_id)
    (event,) = await stack.rows(
        "SELECT source FROM tds.tds_inbox_events WHERE entity = 'item' AND source <> 'pull'"
    )
    assert event["source"] == "followup"


async def test_stock_moves_of_one_item_within_the_window_cost_one_detail_call(make_stack) -> None:
    """An adjustment, an invoice, a bill and a sales order of one item, in one window: one refresh, one
    item-detail call, and the ERP holds the stock on hand and committed that they left in Zoho."""
    stack = await stocked(make_stack)
    runner = stack.with_followups(stock_window_s=60.0)
    item_id, warehouse_id = tracked_item(stack)
    await adjust(stack, item_id, warehouse_id, 20)
    await document(stack, "invoice", "sent", item_id, warehouse_id, 2)
    await document(stack, "bill", "open", item_id, warehouse_id, 3)
    await document(stack, "salesorder", "open", item_id, warehouse_id, 4)
    await deliver(stack)
    assert [(r["zoho_id"], r["status"]) for r in await followups(stack)] == [(item_id, "pending")]
    await window_over(stack)
    calls = stack.emulator.gateway.calls[ITEM_DETAIL]
    await stack.settle(runner)
    assert stack.emulator.gateway.calls[ITEM_DETAIL] - calls == 1
    on_hand, committed = zoho_stock(stack, item_id, warehouse_id)
    assert committed >= 4
    assert await erp_stock(stack, item_id, warehouse_id) == (on_hand, committed)


async def test_with_the_budget_spent_the_refresh_waits_then_runs_when_the_day_turns(make_stack) -> None:
    """At the floor the refresh stays pending (no attempt spent, nothing dropped); the next day it runs."""
    stack = await stocked(make_stack, daily_request_budget=200)
    pull = build_pull(
        stack.settings,
        stack.container.engine,
        stack.container.sessions,
        clock=EmulatorDayClock(stack.emulator.clock),
    )
    try:
        runner = stack.with_followups(client=pull.client, budget_floor=10)
        while (await pull.client.budget_usage()).left > 10:
            await pull.client.budget.spend()
        item_id, warehouse_id = tracked_item(stack)
        await adjust(stack, item_id, warehouse_id, 9)
        await deliver(stack)
        short = await runner.run_once()
        assert (short.claimed, short.budget_short) == (0, True)
        assert [(r["status"], r["attempts"]) for r in await followups(stack)] == [("pending", 0)]
        stack.emulator.clock.advance(86_400)
        assert (await runner.run_once()).done == 1
        await stack.drain()
        assert await erp_stock(stack, item_id, warehouse_id) == zoho_stock(stack, item_id, warehouse_id)
    finally:
        await pull.aclose()


async def test_a_failing_refresh_is_retried_then_given_up_and_its_event_stands(make_stack) -> None:
    """Zoho answers the item's detail with broken JSON: three attempts, then given up with the error;
    the adjustment that asked for it was applied all the same."""
    stack = await stocked(make_stack)
    runner = stack.with_followups(max_attempts=3)
    item_id, warehouse_id = tracked_item(stack)
    adjustment_id = await adjust(stack, item_id, warehouse_id, 5)
    await deliver(stack)
    stack.emulator.faults.add(FaultRule("invalid_json", count=10, path_prefix=f"/books/v3/items/{item_id}"))
    rounds = [await runner.run_once() for _ in range(4)]
    assert [(r.retried, r.failed) for r in rounds] == [(1, 0), (1, 0), (0, 1), (0, 0)]
    (row,) = await followups(stack)
    assert (row["status"], row["attempts"]) == ("failed", 3)
    assert "not a JSON object" in row["last_error"]
    jobs = await stack.rows(
        "SELECT q.status FROM tds.tds_sync_queue q JOIN tds.tds_inbox_events i ON i.id = q.inbox_event_id"
        " WHERE i.entity = 'inventory_adjustment'"
    )
    assert [j["status"] for j in jobs] == ["succeeded"]
    assert await stack.rows("SELECT 1 FROM erp.stock_adjustments WHERE zoho_id = :id", id=adjustment_id)


async def test_a_refresh_that_cannot_be_asked_for_never_fails_its_event(make_stack) -> None:
    """The follow-up table refuses every row: the adjustment is applied anyway, and nothing is dead."""
    stack = await stocked(make_stack)
    stack.with_followups()
    await execute(
        stack, "ALTER TABLE tds.tds_followups ADD CONSTRAINT refuse_all CHECK (zoho_id = '') NOT VALID"
    )
    item_id, warehouse_id = tracked_item(stack)
    adjustment_id = await adjust(stack, item_id, warehouse_id, 5)
    await deliver(stack)
    assert await stack.rows("SELECT 1 FROM erp.stock_adjustments WHERE zoho_id = :id", id=adjustment_id)
    assert await stack.rows("SELECT 1 FROM tds.tds_dead_letter_queue") == []
    assert await followups(stack) == []


async def test_a_pull_leaves_the_budget_to_the_follow_ups_ahead_of_its_pages(make_stack) -> None:
    """Two stock refreshes wait with just enough budget left for them above the pull's reserve: the pull
    pauses before its page, and the refreshes spend those calls."""
    stack = await make_stack(daily_request_budget=150)
    runner = stack.with_followups()
    reserve = stack.settings.pull.budget_reserve
    items = list(stack.zoho_records("item"))[:2]
    async with transaction(stack.container.sessions) as session:
        await FollowupRepository(session).request(
            [FollowupRequest(FollowupKind.STOCK_REFRESH, "item", item_id) for item_id in items]
        )
    while (await stack.pull.client.budget_usage()).left > reserve + 2:
        await stack.pull.client.budget.spend()
    totals = await stack.pull.service.run("warehouse", "full")
    assert totals.status == "paused"
    assert "2 follow-up calls ahead of it" in (totals.note or "")
    assert (await runner.run_once()).done == 2
    assert (await stack.pull.client.budget_usage()).left == reserve
    await stack.drain()
    assert {r["zoho_id"] for r in await stack.rows("SELECT zoho_id FROM erp.products")} == set(items)


async def test_a_profile_gets_the_stock_wherever_it_keeps_it(make_stack, db_url: str) -> None:
    """The shop ERP keeps an item's stock on hand in products.stock_qty and has no adjustments: an
    adjustment's webhook still asks for the refresh, which lands in that column."""
    await run_ddl(db_url, (EXAMPLES / "shop.sql").read_text())
    stack: PullStack = await make_stack(webhooks=hooks())
    stack.settings = stack.settings.model_copy(
        update={"erp": ErpMappingSettings(profile=EXAMPLES / "shop.yaml")}
    )
    runner = stack.with_followups()
    assert (await stack.pull.service.run("item", "full")).status == "succeeded"
    await stack.drain()
    item_id, warehouse_id = tracked_item(stack)
    await adjust(stack, item_id, warehouse_id, 11)
    await deliver(stack)
    assert [r["zoho_id"] for r in await followups(stack)] == [item_id]
    await stack.settle(runner)
    (row,) = await stack.rows("SELECT stock_qty FROM shop.products WHERE zoho_item_id = :id", id=item_id)
    assert float(row["stock_qty"]) == float(stack.zoho_records("item")[item_id]["stock_on_hand"])
