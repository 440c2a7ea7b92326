"""All alert SQL: list and read, acknowledge and resolve, and the monitor's open/refresh/auto-resolve."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tds.insights.alerts import AlertView

COLUMNS = (
    "id, rule, subject, severity, status, message, details, fired_at, last_seen_at, notified_at, "
    "notifications, escalated_at, acknowledged_at, acknowledged_by, resolved_at, resolved_by"
)

# Alerts in the given statuses, newest first.
LIST_SQL = text(f"""
SELECT {COLUMNS} FROM tds_alerts WHERE status = ANY(CAST(:statuses AS text[]))
ORDER BY fired_at DESC, id DESC LIMIT :limit OFFSET :offset
""")

GET_SQL = text(f"SELECT {COLUMNS} FROM tds_alerts WHERE id = :id")

# open -> acknowledged, only from open (the WHERE makes the transition atomic).
ACKNOWLEDGE_SQL = text(f"""
UPDATE tds_alerts SET status = 'acknowledged', acknowledged_at = now(), acknowledged_by = :by
WHERE id = :id AND status = 'open'
RETURNING {COLUMNS}
""")

# open or acknowledged -> resolved, by an operator.
RESOLVE_SQL = text(f"""
UPDATE tds_alerts SET status = 'resolved', resolved_at = now(), resolved_by = :by
WHERE id = :id AND status <> 'resolved'
RETURNING {COLUMNS}
""")

# Active alerts counted by severity and status.
ACTIVE_COUNTS_SQL = text("""
SELECT severity, status, count(*) FROM tds_alerts WHERE status <> 'resolved' GROUP BY severity, status
""")


class AlertRepository:
    """Alert rows inside the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list_alerts(self, *, statuses: Sequence[str], limit: int, offset: int) -> list[AlertView]:
        params = {"statuses": list(statuses), "limit": limit, "offset": offset}
        result = await self.session.execute(LIST_SQL, params)
        return [to_view(row) for row in result.mappings()]

    async def get(self, alert_id: int) -> AlertView | None:
        return await self._one(GET_SQL, {"id": alert_id})

    async def acknowledge(self, alert_id: int, by: str) -> AlertView | None:
        return await self._one(ACKNOWLEDGE_SQL, {"id": alert_id, "by": by})

    async def resolve(self, alert_id: int, by: str) -> AlertView | None:
        return await self._one(RESOLVE_SQL, {"id": alert_id, "by": by})

    async def active_counts(self) -> list[tuple[str, str, int]]:
        result = await self.session.execute(ACTIVE_COUNTS_SQL)
        return [(str(s), str(st), int(c)) for s, st, c in result.all()]

    async def _one(self, sql: Any, params: dict[str, Any]) -> AlertView | None:
        row = (await self.session.execute(sql, params)).mappings().first()
        return to_view(row) if row is not None else None


def to_view(row: Any) -> AlertView:
    return AlertView(**dict(row))
