"""The daily reconciliation: one process at a time (advisory lock) compares every configured entity."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tds.entities.catalog import ENTITY_NAMES
from tds.pull.repository import SchedulerLock
from tds.reconcile.reports import ReportRepository
from tds.reconcile.service import ReconcileResult, ReconcileService

log = logging.getLogger(__name__)

# Not the pull scheduler's key: a reconciliation and an incremental pull may run side by side.
RECONCILE_LOCK_KEY = 0x7D5_5C4E
CHECK_EVERY_S = 300.0


class ReconcileScheduler:
    """`run_once()` reconciles each entity whose last run is `interval_s` old; `run()` keeps checking.

    Due times are read from the runs table, so a restart neither repeats nor skips a day, and a run
    started from the CLI or the API counts for its entity.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession],
        service: ReconcileService,
        interval_s: float,
        entities: Sequence[str] = (),
        repair: bool = False,
    ) -> None:
        self.engine = engine
        self.sessions = sessions
        self.service = service
        self.interval_s = interval_s
        self.entities = tuple(entities) or ENTITY_NAMES
        self.repair = repair

    async def run_once(self) -> dict[str, ReconcileResult] | None:
        """Reconciles the entities that are due; None when another process holds the lock."""
        async with self.engine.connect() as connection, SchedulerLock(connection, RECONCILE_LOCK_KEY) as held:
            if not held:
                return None
            async with self.sessions() as session:
                due = await ReportRepository(session).due(self.entities, self.interval_s)
            return {entity: await self.service.run(entity, self.repair) for entity in due}

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                results = await self.run_once()
                if results:
                    summary = {e: (r.status, r.counts.differences) for e, r in results.items()}
                    log.info("daily reconciliation done (status, differences): %s", summary)
            except Exception:  # the loop's boundary: log and try again at the next check
                log.exception("daily reconciliation round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=min(CHECK_EVERY_S, self.interval_s))
