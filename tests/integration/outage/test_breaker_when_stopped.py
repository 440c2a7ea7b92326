"""With the database stopped under a running batch, the entity's breaker opens (an infrastructure
failure), and the jobs are handed back rather than spending their attempts on it."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tds.config import DatabaseSettings, WorkerSettings
from tds.db.engine import create_engine, create_sessionmaker
from tds.entities.handler import EntityEvent, Outcome
from tds.worker.breaker import BreakerState
from tds.worker.pool import WorkerPool
from tests.pgcluster import Cluster
from tests.queue_factories import enqueue


class StopsTheDatabase:
    """A handler during whose first call the database stops (as an `immediate` shutdown would)."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.calls = 0

    async def __call__(self, session: AsyncSession, events: Sequence[EntityEvent]) -> list[Outcome]:
        self.calls += 1
        if self.calls == 1:
            await asyncio.to_thread(self.cluster.stop, "immediate")
        await session.execute(text("SELECT 1"))
        return [Outcome.INSERTED] * len(events)


async def test_the_breaker_opens_when_the_database_stops(
    cluster: Cluster, caplog: pytest.LogCaptureFixture
) -> None:
    """Threshold one: the stopped database opens the item breaker, which says so in the log; no job is
    dead-lettered."""
    engine = create_engine(cluster.url("tds"), DatabaseSettings(pool_size=2, max_overflow=0))
    sessions = create_sessionmaker(engine)
    try:
        await enqueue(sessions, [("item", "1"), ("item", "2")])
        settings = WorkerSettings(
            concurrency=1,
            poll_interval_s=0.05,
            lease_s=2.0,
            heartbeat_interval_s=0.1,
            breaker_failure_threshold=1,
        )
        pool = WorkerPool(sessions, cluster.url("tds"), {"item": StopsTheDatabase(cluster)}, settings, "w1")
        await pool.run_once()
        assert pool.breakers["item"].state is BreakerState.OPEN
        assert "circuit for item opened after 1 infrastructure failure(s)" in caplog.text
        cluster.start()
        rows = await _rows(sessions, "SELECT status, attempts FROM tds.tds_sync_queue ORDER BY id")
        assert all(status != "dead" for status, _ in rows), rows
    finally:
        await engine.dispose()


async def _rows(sessions, sql: str) -> list[tuple[object, ...]]:
    async with sessions() as session:
        return [tuple(r) for r in (await session.execute(text(sql))).all()]
