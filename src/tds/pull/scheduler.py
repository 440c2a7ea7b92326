"""The incremental-sync loop: every `interval_s`, one process (advisory lock) pulls what changed.

A full run that stopped part way (paused for the day's budget, interrupted) is continued from its
cursor first: until it completes, the entity has no incremental watermark to start from.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tds.entities.catalog import ENTITY_NAMES
from tds.pull.ports import Mode, RunTotals
from tds.pull.repository import CursorRepository, SchedulerLock, SyncRunRepository
from tds.pull.service import PullService

log = logging.getLogger(__name__)


class PullScheduler:
    """A loop service: `run_once()` syncs every configured entity incrementally; `run()` repeats it."""

    def __init__(
        self,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession],
        service: PullService,
        interval_s: float,
        entities: Sequence[str] = (),
        stale_run_s: float = 300.0,
    ) -> None:
        self.engine = engine
        self.sessions = sessions
        self.service = service
        self.interval_s = interval_s
        self.entities = tuple(entities) or ENTITY_NAMES
        self.stale_run_s = stale_run_s

    async def run_once(self) -> dict[str, RunTotals] | None:
        """One round over all entities; None when another process holds the scheduler lock."""
        async with self.engine.connect() as connection, SchedulerLock(connection) as held:
            if not held:
                return None
            async with self.sessions() as s2, s2.begin():
                interrupted = await SyncRunRepository(s2).mark_interrupted(self.stale_run_s)
            if interrupted:
                log.warning("sync runs %s had no heartbeat and were marked interrupted", interrupted)
            results: dict[str, RunTotals] = {}
            for entity in self.entities:
                results[entity] = await self.service.run(entity, await self._mode(entity))
            return results

    async def _mode(self, entity: str) -> Mode:
        async with self.sessions() as session:
            full = await CursorRepository(session).get(entity, "full")
        return "full" if full is not None and full.next_page else "incremental"

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                results = await self.run_once()
                if results:
                    summary = {e: (t.status, t.enqueued) for e, t in results.items()}
                    log.info("incremental sync round done: %s", summary)
            except Exception:  # the loop's boundary: log and try again next interval
                log.exception("incremental sync round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.interval_s)
