"""What an alert looks like to operators (the API, the CLI, the dashboard) and its statuses: plain values
that the alerts' repository returns and the insights read side passes on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

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
