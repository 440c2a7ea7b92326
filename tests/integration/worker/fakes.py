"""Fake entity handlers of our own Protocol: they record, fail on demand, stall, or write a marker row."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tds.entities.handler import EntityEvent, Outcome

# A scratch table the writing handler fills inside the worker's transaction (created by the tests).
APPLIED_TABLE_SQL = "CREATE TABLE IF NOT EXISTS test_applied (job_id bigint NOT NULL, entity_id text)"
_APPLY_SQL = text(
    "INSERT INTO test_applied (job_id, entity_id) "
    "SELECT * FROM unnest(CAST(:job_ids AS bigint[]), CAST(:entity_ids AS text[]))"
)


class RecordingHandler:
    """Writes nothing; remembers every batch and answers one outcome per event."""

    def __init__(self, outcome: Outcome = Outcome.INSERTED, delay_s: float = 0.0) -> None:
        self.outcome = outcome
        self.delay_s = delay_s
        self.batches: list[list[EntityEvent]] = []

    async def __call__(self, session: AsyncSession, events: Sequence[EntityEvent]) -> list[Outcome]:
        self.batches.append(list(events))
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        return [self.outcome] * len(events)

    @property
    def events(self) -> list[EntityEvent]:
        return [event for batch in self.batches for event in batch]


class FailingHandler(RecordingHandler):
    """Raises `make_error()` while `broken` is true (or for the first `failures` calls), then records."""

    def __init__(self, make_error: Callable[[], Exception], failures: int | None = None) -> None:
        super().__init__()
        self.make_error = make_error
        self.failures_left = failures
        self.broken = True
        self.calls = 0

    async def __call__(self, session: AsyncSession, events: Sequence[EntityEvent]) -> list[Outcome]:
        self.calls += 1
        if self.broken and self.failures_left != 0:
            if self.failures_left is not None:
                self.failures_left -= 1
            raise self.make_error()
        return await super().__call__(session, events)


class WritingHandler(RecordingHandler):
    """Inserts a marker row per event in the caller's transaction; fails a batch holding a `bad` id."""

    def __init__(self, bad_ids: frozenset[str] = frozenset(), delay_s: float = 0.0) -> None:
        super().__init__(delay_s=delay_s)
        self.bad_ids = bad_ids

    async def __call__(self, session: AsyncSession, events: Sequence[EntityEvent]) -> list[Outcome]:
        params = {"job_ids": [e.job_id for e in events], "entity_ids": [e.entity_id for e in events]}
        await session.execute(_APPLY_SQL, params)
        if any(event.entity_id in self.bad_ids for event in events):
            raise RuntimeError("a bad record in the batch")
        return await super().__call__(session, events)


class GatedHandler(RecordingHandler):
    """Holds every batch until `gate` opens, so tests can act while work is in flight."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.entered = asyncio.Event()

    async def __call__(self, session: AsyncSession, events: Sequence[EntityEvent]) -> list[Outcome]:
        self.batches.append(list(events))
        self.entered.set()
        await self.gate.wait()
        return [self.outcome] * len(events)


class ExclusiveHandler(RecordingHandler):
    """Notes any moment two events of one record are in flight at once (must never happen)."""

    def __init__(self, delay_s: float = 0.002) -> None:
        super().__init__(delay_s=delay_s)
        self.running: set[str] = set()
        self.overlaps: list[str] = []

    async def __call__(self, session: AsyncSession, events: Sequence[EntityEvent]) -> list[Outcome]:
        keys = {event.entity_id for event in events}
        self.overlaps.extend(sorted(keys & self.running))
        self.running |= keys
        try:
            return await super().__call__(session, events)
        finally:
            self.running -= keys
