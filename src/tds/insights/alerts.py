"""Read side of alerts for the admin API, the CLI, the dashboard and /metrics (frozen dataclasses)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from tds.alerts.deliveries import DeliveryRepository
from tds.alerts.repository import AlertRepository
from tds.alerts.views import ACTIVE_STATUSES, ALERT_STATUSES, MAX_PAGE_SIZE, AlertStatusName, AlertView

__all__ = [
    "ACTIVE_STATUSES",
    "ALERT_STATUSES",
    "MAX_PAGE_SIZE",
    "AlertCounts",
    "AlertInsights",
    "AlertStatusName",
    "AlertView",
]


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
