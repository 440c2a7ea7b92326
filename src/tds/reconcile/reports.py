"""SQL of reconciliation reports: runs (one row each, with counts) and their differences."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tds.db.schema import tds_text
from tds.entities.mapping import to_json
from tds.reconcile.compare import Difference

INSERT_RUN = tds_text(
    "INSERT INTO tds.tds_reconcile_runs (entity, repair) VALUES (:entity, :repair) RETURNING id"
)
FINISH_RUN = tds_text(
    "UPDATE tds.tds_reconcile_runs SET status = :status, error = :error, zoho_records = :zoho_records, "
    "erp_records = :erp_records, missing = :missing, deleted = :deleted, drift = :drift, "
    "invalid = :invalid, repaired = :repaired, api_calls = :api_calls, finished_at = now() "
    "WHERE id = :id"
)
INSERT_DIFFERENCES = tds_text(
    "INSERT INTO tds.tds_reconcile_differences (run_id, entity, zoho_id, kind, fields, detail, repair) "
    "SELECT :run_id, d.entity, d.zoho_id, d.kind, d.fields, d.detail, d.repair "
    "FROM jsonb_to_recordset(CAST(:rows AS jsonb)) "
    "AS d(entity text, zoho_id text, kind text, fields jsonb, detail jsonb, repair text)"
)
SELECT_RUN = tds_text("SELECT * FROM tds.tds_reconcile_runs WHERE id = :id")
# The entities the schedule is due for: none of their runs (by any process) started in the interval.
DUE = tds_text(
    "SELECT e.entity FROM unnest(CAST(:entities AS text[])) WITH ORDINALITY AS e(entity, n) "
    "WHERE NOT EXISTS (SELECT 1 FROM tds.tds_reconcile_runs r WHERE r.entity = e.entity "
    "AND r.started_at > now() - make_interval(secs => :interval_s)) ORDER BY e.n"
)
SELECT_RUNS = tds_text(
    "SELECT * FROM tds.tds_reconcile_runs WHERE (CAST(:entity AS text) IS NULL OR entity = :entity) "
    "ORDER BY id DESC LIMIT :limit OFFSET :offset"
)
SELECT_DIFFERENCES = tds_text(
    "SELECT id, run_id, entity, zoho_id, kind, fields, detail, repair, found_at "
    "FROM tds.tds_reconcile_differences WHERE run_id = :run_id "
    "AND (CAST(:kind AS text) IS NULL OR kind = :kind) ORDER BY id LIMIT :limit OFFSET :offset"
)


@dataclass
class RunCounts:
    """What one run found and did; `api_calls` is every Zoho request it made (pages and details)."""

    zoho_records: int = 0
    erp_records: int = 0
    missing: int = 0
    deleted: int = 0
    drift: int = 0
    invalid: int = 0
    repaired: int = 0
    api_calls: int = 0

    @property
    def differences(self) -> int:
        return self.missing + self.deleted + self.drift + self.invalid

    def count(self, differences: Sequence[Difference]) -> None:
        for difference in differences:
            setattr(self, difference.kind, getattr(self, difference.kind) + 1)


class ReportRepository:
    """Writes and reads reconciliation runs and differences in the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def start(self, entity: str, repair: bool) -> int:
        run_id = await self.session.scalar(INSERT_RUN, {"entity": entity, "repair": repair})
        assert run_id is not None
        return int(run_id)

    async def add_differences(
        self, run_id: int, differences: Sequence[Difference], repairs: dict[str, str]
    ) -> None:
        """One statement for all of a run's differences; `repairs` is what was queued, by zoho id."""
        if not differences:
            return
        rows = [
            {
                "entity": d.entity,
                "zoho_id": d.zoho_id,
                "kind": d.kind,
                "fields": list(d.fields),
                "detail": dict(d.detail),
                "repair": repairs.get(f"{d.kind}:{d.zoho_id}"),
            }
            for d in differences
        ]
        await self.session.execute(INSERT_DIFFERENCES, {"run_id": run_id, "rows": to_json(rows)})

    async def finish(self, run_id: int, status: str, counts: RunCounts, error: str | None = None) -> None:
        params = {"id": run_id, "status": status, "error": error, **counts.__dict__}
        await self.session.execute(FINISH_RUN, params)

    async def due(self, entities: Sequence[str], interval_s: float) -> list[str]:
        rows = await self.session.execute(DUE, {"entities": list(entities), "interval_s": interval_s})
        return [str(entity) for (entity,) in rows]

    async def run(self, run_id: int) -> dict[str, Any] | None:
        row = (await self.session.execute(SELECT_RUN, {"id": run_id})).mappings().first()
        return dict(row) if row else None

    async def runs(self, entity: str | None = None, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
        params = {"entity": entity, "limit": limit, "offset": offset}
        return [dict(r) for r in (await self.session.execute(SELECT_RUNS, params)).mappings()]

    async def differences(
        self, run_id: int, kind: str | None = None, limit: int = 100, offset: int = 0
    ) -> list[dict[str, Any]]:
        params = {"run_id": run_id, "kind": kind, "limit": limit, "offset": offset}
        return [dict(r) for r in (await self.session.execute(SELECT_DIFFERENCES, params)).mappings()]
