"""Read-only views of pull sync runs for the dashboard: the recent runs and one run's live progress."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tds.pull.repository import SyncRunRepository


@dataclass(frozen=True)
class RunView:
    """One sync run with its counters so far."""

    id: int
    entity: str
    mode: str
    status: str
    pages: int
    records: int
    enqueued: int
    skipped: int
    failed: int
    error: str | None
    cancel_requested: bool
    started_at: datetime
    heartbeat_at: datetime
    finished_at: datetime | None

    @property
    def running(self) -> bool:
        return self.finished_at is None

    @property
    def duration_s(self) -> float:
        end = self.finished_at or datetime.now(UTC)
        return max(0.0, (end - self.started_at).total_seconds())


_FIELDS = tuple(f.name for f in fields(RunView))


def _view(row: dict[str, Any]) -> RunView:
    return RunView(**{name: row[name] for name in _FIELDS})


class RunInsights:
    """Sync-run reads, through one session."""

    def __init__(self, session: AsyncSession) -> None:
        self.repo = SyncRunRepository(session)

    async def recent(self, limit: int = 50) -> list[RunView]:
        return [_view(row) for row in await self.repo.recent(limit)]

    async def run(self, run_id: int) -> RunView | None:
        row = await self.repo.get(run_id)
        return None if row is None else _view(row)
