"""Two monitor loops on one database: exactly one leads; when it stops, the other takes over."""

from __future__ import annotations

import asyncio

from tds.alerts.monitor import Monitor
from tests.integration.alerts.conftest import OpsStack


async def rounds(ops: OpsStack) -> int:
    rows = await ops.rows("SELECT count(DISTINCT sampled_at) AS n FROM tds.tds_metrics")
    return int(rows[0]["n"])


async def test_one_monitor_leads_and_the_other_takes_over(make_ops) -> None:
    """Run two loops: one holds the lock and runs rounds; stopping it hands the rounds to the other."""
    ops: OpsStack = await make_ops(monitor={"interval_s": 0.2})
    first = ops.monitor
    second = Monitor(ops.container.engine, ops.container.sessions, ops.settings, first.dispatcher)
    stop_first, stop_second = asyncio.Event(), asyncio.Event()
    tasks = [asyncio.create_task(first.run(stop_first)), asyncio.create_task(second.run(stop_second))]
    try:
        async with asyncio.timeout(10):
            while await rounds(ops) < 3:
                await asyncio.sleep(0.1)
        leaders = [m for m in (first, second) if m._lock is not None]
        assert len(leaders) == 1
        leader, other = (first, second) if leaders[0] is first else (second, first)
        (stop_first if leader is first else stop_second).set()
        await tasks[0 if leader is first else 1]
        seen = await rounds(ops)
        async with asyncio.timeout(10):
            while await rounds(ops) < seen + 2:
                await asyncio.sleep(0.1)
        assert other._lock is not None
        assert leader._lock is None
    finally:
        stop_first.set()
        stop_second.set()
        await asyncio.gather(*tasks)
