"""The lease heartbeat: while a batch runs, extend its jobs' leases every heartbeat interval."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tds.db.engine import transaction
from tds.queue.repository import QueueRepository

log = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def leases_kept(
    sessions: async_sessionmaker[AsyncSession],
    worker_id: str,
    job_ids: list[int],
    *,
    lease_s: float,
    interval_s: float,
) -> AsyncIterator[None]:
    """Keeps the jobs' leases alive while the body runs; stops (without cancelling a query) at its end."""
    done = asyncio.Event()
    keeper = asyncio.create_task(_keep(sessions, worker_id, job_ids, done, lease_s, interval_s))
    try:
        yield
    finally:
        done.set()
        await keeper


async def _keep(
    sessions: async_sessionmaker[AsyncSession],
    worker_id: str,
    job_ids: list[int],
    done: asyncio.Event,
    lease_s: float,
    interval_s: float,
) -> None:
    while True:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), interval_s)
        if done.is_set():
            return
        try:
            async with transaction(sessions) as session:
                await QueueRepository(session).extend_leases(worker_id, job_ids, lease_s)
        except Exception as exc:  # a missed extension only shortens the lease; the next one may work
            log.warning(
                "could not extend the leases of %d jobs: %s: %s", len(job_ids), type(exc).__name__, exc
            )
