"""The pull spends Zoho's budget well: details only where needed and changed; a paused run resumes."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from tds.emulator.clock import Clock as EmulatorClock
from tds.entities.catalog import ENTITY_NAMES, get
from tds.pull.factory import build_pull
from tds.pull.scheduler import PullScheduler
from tds.zoho.clock import SystemClock
from tests.integration.pull.conftest import SMALL, PullStack
from tests.integration.pull.test_pull_sync import assert_erp_equals_emulator, full_sync_all

PER_PAGE = 10  # pull_settings' page size


def pages(n: int) -> int:
    return max(1, -(-n // PER_PAGE))


def listed_counts(stack: PullStack) -> dict[str, int]:
    return {entity: len(stack.zoho_records(entity)) for entity in ENTITY_NAMES}


class EmulatorDayClock(SystemClock):
    """The client's wall time is the emulator's, so moving the emulator a day on renews the budget."""

    def __init__(self, clock: EmulatorClock) -> None:
        self.clock = clock

    def utcnow(self) -> datetime:
        return self.clock.now()


async def test_first_full_sync_costs_pages_plus_needed_details_and_a_second_costs_pages(make_stack) -> None:
    """Warehouses and users cost no detail call; a repeated full sync of unchanged data costs its pages."""
    stack = await make_stack()
    counts = listed_counts(stack)
    all_pages = sum(pages(n) for n in counts.values())
    needed = sum(n for entity, n in counts.items() if get(entity).needs_detail)
    start = stack.pull.client.stats.requests
    await full_sync_all(stack)
    assert stack.pull.client.stats.requests - start == all_pages + needed
    await assert_erp_equals_emulator(stack)
    start = stack.pull.client.stats.requests
    for entity in ENTITY_NAMES:
        totals = await stack.pull.service.run(entity, "full")
        assert totals.enqueued == 0, entity
        assert totals.skipped == counts[entity], entity
    # Price lists carry no version: whether one changed shows only in its detail.
    unversioned = sum(n for e, n in counts.items() if get(e).needs_detail and not get(e).has_last_modified)
    assert stack.pull.client.stats.requests - start == all_pages + unversioned


async def test_incremental_run_fetches_details_of_changed_records_only(make_stack) -> None:
    """Two items edited after a full sync: the incremental run spends the list pages and two details."""
    stack = await make_stack()
    await full_sync_all(stack)
    items = list(stack.zoho_records("item"))
    for record_id in items[:2]:
        await stack.emulator.mutator.edit("item", record_id)
    start = stack.pull.client.stats.requests
    totals = await stack.pull.service.run("item", "incremental")
    assert totals.status == "succeeded"
    assert stack.pull.client.stats.requests - start == pages(SMALL.items) + 2
    assert totals.enqueued == 2
    await stack.drain()
    await assert_erp_equals_emulator(stack)


async def test_budget_exhausted_mid_run_pauses_and_resumes_the_next_day(make_stack) -> None:
    """A budget of 30 calls a day, reserve 5: the item sync pauses with its cursor, then resumes daily."""
    stack = await make_stack(daily_request_budget=30)
    pull = build_pull(
        stack.settings,
        stack.container.engine,
        stack.container.sessions,
        clock=EmulatorDayClock(stack.emulator.clock),
    )
    try:
        pull.service.options = replace(pull.service.options, budget_reserve=5)
        scheduler = PullScheduler(
            stack.container.engine, stack.container.sessions, pull.service, 60, ["item"]
        )
        # Each item page costs 11 calls (1 list + 10 details); a page may start while 16 are left.
        first = await pull.service.run("item", "full")
        assert first.status == "paused"
        assert first.pages == 2
        assert first.note is not None
        assert "8 of the day's 30" in first.note
        assert (await pull.client.budget_usage()).used == 22
        runs = await stack.rows("SELECT status, error FROM tds.tds_sync_runs ORDER BY id")
        assert runs[-1]["status"] == "paused"
        assert "resumes" in runs[-1]["error"]
        cursor = await stack.rows(
            "SELECT next_page FROM tds.tds_sync_cursors WHERE entity = 'item' AND mode = 'full'"
        )
        assert cursor == [{"next_page": 3}]
        same_day = await scheduler.run_once()
        assert same_day is not None
        assert same_day["item"].status == "paused"
        assert same_day["item"].pages == 0
        statuses = []
        for _day in range(2):
            stack.emulator.clock.advance(86_400)
            round_ = await scheduler.run_once()
            assert round_ is not None
            statuses.append(round_["item"].status)
        assert statuses == ["paused", "succeeded"]
        await stack.drain()
        erp = await stack.erp_records("item")
        assert erp == stack.zoho_records("item")
        per_record = await stack.rows(
            "SELECT entity_id, count(*) AS n FROM tds.tds_inbox_events GROUP BY entity_id"
        )
        assert len(per_record) == SMALL.items
        assert {r["n"] for r in per_record} == {1}
    finally:
        await pull.aclose()
