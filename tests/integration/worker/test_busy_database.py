"""A database busy with the ERP's own work: a lock or statement timeout is retried, never a record's fault."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tds.config import DatabaseSettings, WorkerSettings
from tds.config_operations import HealerSettings
from tds.db.engine import create_engine, create_sessionmaker, plain_dsn
from tds.entities.handler import EntityEvent, Outcome
from tds.queue.service import QueueService
from tds.worker.pool import WorkerPool
from tests.integration.worker.conftest import FAST_SETTINGS
from tests.queue_factories import enqueue, execute, jobs_by_id

Sessions = async_sessionmaker[AsyncSession]
LOCK_TIMEOUT = "DatabaseBusy: canceling statement due to lock timeout (SQLSTATE 55P03)"
STATEMENT_TIMEOUT = "DatabaseBusy: canceling statement due to statement timeout (SQLSTATE 57014)"


class StatementHandler:
    """Runs one statement in the worker's transaction, as an entity handler writing the ERP would."""

    def __init__(self, sql: str) -> None:
        self.sql = text(sql)

    async def __call__(self, session: AsyncSession, events: Sequence[EntityEvent]) -> list[Outcome]:
        await session.execute(self.sql)
        return [Outcome.UPDATED] * len(events)


@pytest.fixture
async def busy_sessions(db_url: str) -> AsyncIterator[Sessions]:
    """Sessions that wait 200 ms for a lock and run a statement 300 ms at most."""
    engine = create_engine(db_url, DatabaseSettings(lock_timeout_ms=200, statement_timeout_ms=300))
    yield create_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
async def erp_lock(db_url: str, busy_sessions: Sessions) -> AsyncIterator[None]:
    """The ERP's application holds a row of its stock table locked (an open transaction)."""
    await execute(busy_sessions, "CREATE TABLE erp_stock (id int PRIMARY KEY, qty int)")
    await execute(busy_sessions, "INSERT INTO erp_stock VALUES (1, 10)")
    erp = await asyncpg.connect(plain_dsn(db_url))
    transaction = erp.transaction()
    await transaction.start()
    await erp.execute("SELECT * FROM erp_stock WHERE id = 1 FOR UPDATE")
    yield
    await transaction.rollback()
    await erp.close()


def make_pool(sessions: Sessions, db_url: str, sql: str, **overrides: Any) -> WorkerPool:
    settings = WorkerSettings(**{**FAST_SETTINGS, **overrides})
    return WorkerPool(sessions, db_url, {"item": StatementHandler(sql)}, settings, "w1")


@pytest.mark.usefixtures("erp_lock")
async def test_a_lock_the_erp_holds_times_out_and_the_job_is_retried(
    busy_sessions: Sessions, db_url: str
) -> None:
    """The handler's UPDATE gives up after lock_timeout; the job goes back to the queue on the
    retry schedule (attempt 1 of 4), recorded as DatabaseBusy."""
    [job_id] = await enqueue(busy_sessions, [("item", "1")])
    pool = make_pool(busy_sessions, db_url, "UPDATE erp_stock SET qty = qty - 1 WHERE id = 1")
    assert await pool.run_once() == 1
    job = (await jobs_by_id(busy_sessions, [job_id]))[job_id]
    assert (job["status"], job["attempts"], job["last_error"]) == ("pending", 1, LOCK_TIMEOUT)


async def test_a_statement_timeout_dead_letters_as_transient(busy_sessions: Sessions, db_url: str) -> None:
    """Past its last attempt a timed-out job is dead-lettered under DatabaseBusy, which the healer's
    default policy treats as transient (replayed later), unlike a record's own fault."""
    [job_id] = await enqueue(busy_sessions, [("item", "1")], max_attempts=1)
    await make_pool(busy_sessions, db_url, "SELECT pg_sleep(2)").run_once()
    job = (await jobs_by_id(busy_sessions, [job_id]))[job_id]
    assert job["status"] == "dead"
    async with busy_sessions() as session:
        [letter] = await QueueService(session, 4).dead_letters()
        full = await QueueService(session, 4).dead_letter(letter.id)
    assert letter.error == STATEMENT_TIMEOUT
    assert letter.error.split(":")[0] in HealerSettings().transient_errors
    assert full.traceback is not None
    assert "QueryCanceledError" in full.traceback  # the driver's error stays in the traceback
