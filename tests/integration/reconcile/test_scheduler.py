"""The daily reconciliation: due entities only, one process at a time, started by the service process."""

from __future__ import annotations

import asyncio

from tds import runtime
from tds.pull.repository import SchedulerLock
from tds.reconcile.factory import build_reconcile_scheduler
from tds.reconcile.scheduler import RECONCILE_LOCK_KEY
from tests.integration.reconcile.test_reconcile import execute, synced


async def test_runs_each_entity_once_a_day_and_one_process_at_a_time(make_stack) -> None:
    stack, _ = await synced(make_stack)
    stack.settings.reconcile.entities = ["items", "warehouse"]
    stack.settings.reconcile.repair = True
    scheduler = build_reconcile_scheduler(
        stack.settings, stack.container.engine, stack.container.sessions, stack.pull.client
    )
    item = sorted(stack.zoho_records("item"))[0]
    await execute(stack, "UPDATE erp.products SET name = 'wrong' WHERE zoho_id = :id", id=item)

    async with stack.container.engine.connect() as other, SchedulerLock(other, RECONCILE_LOCK_KEY) as held:
        assert held
        assert await scheduler.run_once() is None  # another process is reconciling
    first = await scheduler.run_once()
    assert first is not None
    assert {e: (r.status, r.counts.drift, r.counts.repaired) for e, r in first.items()} == {
        "item": ("succeeded", 1, 1),
        "warehouse": ("succeeded", 0, 0),
    }
    assert await scheduler.run_once() == {}  # both reconciled today: nothing is due
    await execute(stack, "UPDATE tds.tds_reconcile_runs SET started_at = started_at - interval '25 hours'")
    await stack.drain()
    again = await scheduler.run_once()
    assert again is not None
    assert {e: r.counts.differences for e, r in again.items()} == {"item": 0, "warehouse": 0}


async def test_the_loop_reconciles_when_due_and_stops_when_asked(make_stack) -> None:
    """`run()` reconciles at once when due and stops cleanly when asked."""
    stack, _ = await synced(make_stack)
    stack.settings.reconcile.entities = ["user"]
    scheduler = build_reconcile_scheduler(
        stack.settings, stack.container.engine, stack.container.sessions, stack.pull.client
    )
    stop = asyncio.Event()
    task = asyncio.create_task(scheduler.run(stop))
    for _ in range(200):
        if await stack.rows("SELECT 1 FROM tds.tds_reconcile_runs WHERE status = 'succeeded'"):
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, timeout=10)
    runs = await stack.rows("SELECT entity, status FROM tds.tds_reconcile_runs")
    assert runs == [{"entity": "user", "status": "succeeded"}]


async def test_the_worker_process_starts_the_schedule_only_when_enabled(make_stack) -> None:
    stack, _ = await synced(make_stack)
    stack.container.extras["pull"] = stack.pull
    stack.settings.reconcile.entities = ["warehouse"]
    stop = asyncio.Event()
    await asyncio.wait_for(runtime._run_reconcile_scheduler(stack.container, stop), timeout=5)  # off: returns
    stack.settings.reconcile.scheduler_enabled = True
    task = asyncio.create_task(runtime._run_reconcile_scheduler(stack.container, stop))
    for _ in range(200):
        if await stack.rows("SELECT 1 FROM tds.tds_reconcile_runs WHERE finished_at IS NOT NULL"):
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, timeout=10)
    assert await stack.rows("SELECT entity, status FROM tds.tds_reconcile_runs") == [
        {"entity": "warehouse", "status": "succeeded"}
    ]
