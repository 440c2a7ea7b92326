"""Read-only views of pull sync runs for the dashboard: the recent runs and one run's live progress."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from tds.pull.repository import SyncRunRepository

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

V = TypeVar("V", bound="DataclassInstance")


class Timed:
    """A run's timing, for a view with `started_at` and `finished_at` (None while it runs)."""

    started_at: datetime
    finished_at: datetime | None

    @property
    def running(self) -> bool:
        return self.finished_at is None

    @property
    def duration_s(self) -> float:
        end = self.finished_at or datetime.now(UTC)
        return max(0.0, (end - self.started_at).total_seconds())


def view_of(view: type[V], row: Mapping[str, Any]) -> V:
    """The dataclass `view` from the row's columns of the same names (other columns left out)."""
    return view(**{f.name: row[f.name] for f in fields(view)})


@dataclass(frozen=True)
class RunView(Timed):
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


class RunInsights:
    """Sync-run reads, through one session."""

    def __init__(self, session: AsyncSession) -> None:
        self.repo = SyncRunRepository(session)

    async def recent(self, limit: int = 50) -> list[RunView]:
        return [view_of(RunView, row) for row in await self.repo.recent(limit)]

    async def run(self, run_id: int) -> RunView | None:
        row = await self.repo.get(run_id)
        return None if row is None else view_of(RunView, row)
