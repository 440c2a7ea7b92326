"""The circuit breaker in the pool: it opens, defers work without burning attempts, and a probe closes it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tds.worker.breaker import BreakerState
from tests.integration.worker.conftest import PoolFactory
from tests.integration.worker.fakes import FailingHandler, RecordingHandler
from tests.queue_factories import enqueue, jobs_by_id, scalar

Sessions = async_sessionmaker[AsyncSession]


async def test_open_breaker_defers_jobs_without_using_attempts_and_a_probe_closes_it(
    sessions: Sessions, make_pool: PoolFactory
) -> None:
    """Two failures open the item breaker; the other items wait unrun; after the reset one probe closes it."""
    job_ids = await enqueue(sessions, [("item", str(n)) for n in range(5)] + [("contact", "1")])
    items = FailingHandler(lambda: ConnectionError("ERP down"))
    contacts = RecordingHandler()
    pool = make_pool({"item": items, "contact": contacts}, breaker_failure_threshold=2, breaker_reset_s=0.4)

    await pool.run_once()

    assert pool.breakers["item"].state is BreakerState.OPEN
    rows = await jobs_by_id(sessions, job_ids)
    failed, deferred, contact = job_ids[:2], job_ids[2:5], job_ids[5]
    assert [rows[i]["attempts"] for i in failed] == [1, 1]
    assert [(rows[i]["status"], rows[i]["attempts"]) for i in deferred] == [("pending", 0)] * 3
    waits = [(rows[i]["run_after"] - datetime.now(UTC)).total_seconds() for i in deferred]
    assert all(0 < wait <= 0.4 for wait in waits)
    assert rows[contact]["status"] == "succeeded"  # another entity's breaker is not involved
    assert items.calls == 3  # the batch, then two events alone; the deferred three were never tried
    deferred_logs = await scalar(
        sessions, "SELECT count(*) FROM tds.tds_sync_logs WHERE outcome = 'deferred'"
    )
    assert deferred_logs == 3

    assert await pool.run_once() == 0  # nothing is due while the breaker is open
    items.broken = False
    await asyncio.sleep(0.45)
    assert pool.breakers["item"].state is BreakerState.HALF_OPEN
    assert await pool.run_once() == 3

    assert pool.breakers["item"].state is BreakerState.CLOSED
    assert [[e.entity_id for e in batch] for batch in items.batches] == [["2"], ["3"], ["4"]]
    rows = await jobs_by_id(sessions, deferred)
    assert [(rows[i]["status"], rows[i]["attempts"]) for i in deferred] == [("succeeded", 1)] * 3


async def test_a_failed_probe_opens_the_breaker_again(sessions: Sessions, make_pool: PoolFactory) -> None:
    """In half-open state only one event is tried; when it fails the rest wait another period."""
    job_ids = await enqueue(sessions, [("item", str(n)) for n in range(4)])
    items = FailingHandler(lambda: ConnectionError("still down"))
    pool = make_pool({"item": items}, breaker_failure_threshold=1, breaker_reset_s=0.3)
    await pool.run_once()
    calls_before = items.calls
    await asyncio.sleep(0.35)

    assert await pool.run_once() == 3

    assert items.calls == calls_before + 1
    assert pool.breakers["item"].state is BreakerState.OPEN
    rows = await jobs_by_id(sessions, job_ids[1:])
    assert sorted(row["attempts"] for row in rows.values()) == [0, 0, 1]


async def test_a_records_own_fault_never_opens_the_breaker(
    sessions: Sessions, make_pool: PoolFactory
) -> None:
    """Five events the ERP refuses for their data (a NOT NULL column left empty), threshold two: each is
    dead-lettered after its one attempt, the breaker stays closed, and nothing is deferred."""
    import asyncpg

    def refused() -> Exception:
        error = asyncpg.NotNullViolationError("null value in column")
        error.schema_name, error.table_name, error.column_name = "shop", "customers", "name"
        return error

    job_ids = await enqueue(sessions, [("item", str(n)) for n in range(5)])
    pool = make_pool({"item": FailingHandler(refused)}, breaker_failure_threshold=2, breaker_reset_s=60)

    await pool.run_once()

    assert pool.breakers["item"].state is BreakerState.CLOSED
    rows = await jobs_by_id(sessions, job_ids)
    assert [(rows[i]["status"], rows[i]["attempts"]) for i in job_ids] == [("dead", 1)] * 5
    errors = await scalar(sessions, "SELECT string_agg(DISTINCT error, '|') FROM tds.tds_dead_letter_queue")
    assert errors == "NotNull: shop.customers.name is NOT NULL; the record gives it no value"
    deferred = await scalar(sessions, "SELECT count(*) FROM tds.tds_sync_logs WHERE outcome = 'deferred'")
    assert deferred == 0
