"""Operator actions on alerts: list, acknowledge, resolve (the caller owns the transaction)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from tds.alerts.repository import AlertRepository
from tds.alerts.views import ACTIVE_STATUSES, ALERT_STATUSES, MAX_PAGE_SIZE, AlertView
from tds.errors import NotFound, TdsError


class InvalidAlertRequest(TdsError):
    """The alert request is invalid."""

    status_code = 400


class InvalidAlertTransition(TdsError):
    """The alert cannot move to that status from the one it is in."""

    status_code = 409


class AlertService:
    """Lists alerts and moves them open -> acknowledged -> resolved."""

    def __init__(self, session: AsyncSession) -> None:
        self.repo = AlertRepository(session)

    async def list(
        self, *, statuses: Sequence[str] = ACTIVE_STATUSES, limit: int = 50, offset: int = 0
    ) -> list[AlertView]:
        """Alerts in the given statuses (default: open and acknowledged), newest first."""
        unknown = sorted(set(statuses) - set(ALERT_STATUSES))
        if unknown or not statuses:
            raise InvalidAlertRequest(f"status must be among {', '.join(ALERT_STATUSES)}")
        if not 1 <= limit <= MAX_PAGE_SIZE or offset < 0:
            raise InvalidAlertRequest(f"limit must be 1..{MAX_PAGE_SIZE} and offset at least 0")
        return await self.repo.list_alerts(statuses=statuses, limit=limit, offset=offset)

    async def get(self, alert_id: int) -> AlertView:
        alert = await self.repo.get(alert_id)
        if alert is None:
            raise NotFound(f"no alert {alert_id}", alert_id=alert_id)
        return alert

    async def acknowledge(self, alert_id: int, by: str) -> AlertView:
        """open -> acknowledged; NotFound for an unknown id, InvalidAlertTransition otherwise."""
        changed = await self.repo.acknowledge(alert_id, _who(by))
        if changed is not None:
            return changed
        current = await self.get(alert_id)
        raise InvalidAlertTransition(
            f"alert {alert_id} is {current.status}; only an open alert can be acknowledged",
            alert_id=alert_id,
            status=current.status,
        )

    async def resolve(self, alert_id: int, by: str) -> AlertView:
        """open or acknowledged -> resolved; NotFound if unknown, InvalidAlertTransition if resolved."""
        changed = await self.repo.resolve(alert_id, _who(by))
        if changed is not None:
            return changed
        current = await self.get(alert_id)
        raise InvalidAlertTransition(
            f"alert {alert_id} is already resolved", alert_id=alert_id, status=current.status
        )


def _who(by: str) -> str:
    who = by.strip()
    if not who or len(who) > 200:
        raise InvalidAlertRequest("say who acts on the alert (1..200 characters)")
    return who
