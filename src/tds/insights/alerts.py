"""Read side of alerts for the admin API, the CLI, the dashboard and /metrics (frozen dataclasses)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

AlertStatusName = Literal["open", "acknowledged", "resolved"]
ALERT_STATUSES: tuple[AlertStatusName, ...] = ("open", "acknowledged", "resolved")
ACTIVE_STATUSES: tuple[AlertStatusName, ...] = ("open", "acknowledged")
MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class AlertView:
    """One alert as operators see it."""

    id: int
    rule: str
    subject: str
    severity: str
    status: str
    message: str
    details: dict[str, Any]
    fired_at: datetime
    last_seen_at: datetime
    notified_at: datetime | None
    notifications: int
    escalated_at: datetime | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    resolved_at: datetime | None
    resolved_by: str | None

    @property
    def active(self) -> bool:
        return self.status != "resolved"


@dataclass(frozen=True)
class AlertCounts:
    """Active alerts by severity and by status (for /metrics, health and the dashboard)."""

    by_severity: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    deliveries: dict[str, int] = field(default_factory=dict)  # notices to channels, by delivery status

    @property
    def active(self) -> int:
        return sum(self.by_status.values())


class AlertInsights:
    """Read-only alert queries inside the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        from tds.alerts.deliveries import DeliveryRepository
        from tds.alerts.repository import AlertRepository

        self.repo = AlertRepository(session)
        self.deliveries = DeliveryRepository(session)

    async def alerts(
        self, *, statuses: Sequence[str] = ACTIVE_STATUSES, limit: int = 50, offset: int = 0
    ) -> list[AlertView]:
        """Alerts in the given statuses, newest first."""
        return await self.repo.list_alerts(statuses=statuses, limit=limit, offset=offset)

    async def alert(self, alert_id: int) -> AlertView | None:
        return await self.repo.get(alert_id)

    async def active_counts(self) -> AlertCounts:
        by_severity: dict[str, int] = {}
        by_status: dict[str, int] = {}
        for severity, status, count in await self.repo.active_counts():
            by_severity[severity] = by_severity.get(severity, 0) + count
            by_status[status] = by_status.get(status, 0) + count
        deliveries = await self.deliveries.counts()
        return AlertCounts(by_severity=by_severity, by_status=by_status, deliveries=deliveries)
