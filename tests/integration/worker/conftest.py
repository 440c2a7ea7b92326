"""Worker fixtures: a pool factory over the test database, and a way to run a pool in the background."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tds.config import WorkerSettings
from tds.entities.handler import EntityHandler
from tds.worker.pool import WorkerPool

FAST_SETTINGS: dict[str, Any] = {
    "concurrency": 2,
    "batch_size": 100,
    "poll_interval_s": 0.05,
    "lease_s": 30.0,
    "heartbeat_interval_s": 0.1,
    "retry_delays_s": [60.0, 300.0, 900.0],
    "retry_jitter": 0.1,
    "shutdown_timeout_s": 2.0,
    "breaker_failure_threshold": 5,
    "breaker_reset_s": 30.0,
    "stuck_recovery_interval_s": 0.2,
}

PoolFactory = Callable[..., WorkerPool]


@pytest.fixture
def make_pool(sessions: async_sessionmaker[AsyncSession], db_url: str) -> PoolFactory:
    """Builds a WorkerPool on this test's database with fast intervals (overridable per test)."""

    def make(handlers: Mapping[str, EntityHandler], worker_id: str = "w1", **overrides: Any) -> WorkerPool:
        settings = WorkerSettings(**{**FAST_SETTINGS, **overrides})
        return WorkerPool(sessions, db_url, handlers, settings, worker_id)

    return make


@asynccontextmanager
async def running(pool: WorkerPool) -> AsyncIterator[asyncio.Event]:
    """Runs the pool in the background; stops it (and waits for its exit) when the block ends."""
    stop = asyncio.Event()
    task = asyncio.create_task(pool.run(stop))
    try:
        yield stop
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=15)


async def wait_until(check: Callable[[], Awaitable[bool]], timeout_s: float = 10.0) -> float:
    """Polls `check` until it is true; returns the seconds it took, fails the test on timeout."""
    started = time.monotonic()
    while not await check():
        if time.monotonic() - started > timeout_s:
            raise AssertionError(f"condition not met within {timeout_s}s")
        await asyncio.sleep(0.01)
    return time.monotonic() - started
