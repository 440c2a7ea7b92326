"""Read-only views of reconciliation reports for the dashboard: recent runs and one run's differences."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tds.insights.runs import Timed, view_of
from tds.reconcile.reports import ReportRepository


@dataclass(frozen=True)
class ReconcileRunView(Timed):
    """One reconciliation run with its counts."""

    id: int
    entity: str
    repair: bool
    status: str
    zoho_records: int
    erp_records: int
    missing: int
    deleted: int
    drift: int
    invalid: int
    repaired: int
    api_calls: int
    error: str | None
    started_at: datetime
    finished_at: datetime | None

    @property
    def differences(self) -> int:
        return self.missing + self.deleted + self.drift + self.invalid


@dataclass(frozen=True)
class DifferenceView:
    """One record that differs, the fields concerned, and the repair queued for it (if any)."""

    zoho_id: str
    kind: str
    fields: tuple[str, ...]
    detail: Mapping[str, Any]
    repair: str | None

    @property
    def origin(self) -> str:
        return str(self.detail.get("origin", ""))


def _difference(row: Mapping[str, Any]) -> DifferenceView:
    return DifferenceView(
        row["zoho_id"], row["kind"], tuple(row["fields"] or ()), row["detail"] or {}, row["repair"]
    )


class ReconcileInsights:
    """Reconciliation report reads, through one session."""

    def __init__(self, session: AsyncSession) -> None:
        self.reports = ReportRepository(session)

    async def recent(self, entity: str | None = None, limit: int = 50) -> list[ReconcileRunView]:
        return [view_of(ReconcileRunView, row) for row in await self.reports.runs(entity, limit)]

    async def run(self, run_id: int) -> ReconcileRunView | None:
        row = await self.reports.run(run_id)
        return None if row is None else view_of(ReconcileRunView, row)

    async def differences(
        self, run_id: int, kind: str | None = None, limit: int = 100, offset: int = 0
    ) -> list[DifferenceView]:
        return [_difference(row) for row in await self.reports.differences(run_id, kind, limit, offset)]
