"""The alerts page: active (or all) alerts; acknowledge and resolve through the alert service."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.ext.asyncio import AsyncSession

from tds.alerts.service import AlertService
from tds.api.admin_queue import MAX_ID
from tds.api.deps import get_session
from tds.dashboard.deps import action_alert_service
from tds.dashboard.render import back_to, flash, render
from tds.dashboard.security import operator, require_action, require_login
from tds.insights.alerts import ACTIVE_STATUSES, ALERT_STATUSES, AlertInsights

router = APIRouter(prefix="/alerts", dependencies=[Depends(require_login)])
SHOWN: dict[str, tuple[str, ...]] = {"active": ACTIVE_STATUSES, "all": ALERT_STATUSES}
SHOWN.update({status: (status,) for status in ALERT_STATUSES})


def alert_insights(session: AsyncSession = Depends(get_session, scope="function")) -> AlertInsights:
    return AlertInsights(session)


@router.get("", response_class=HTMLResponse)
async def alerts_page(
    request: Request, show: str = "active", insights: AlertInsights = Depends(alert_insights)
) -> HTMLResponse:
    show = show if show in SHOWN else "active"
    alerts = await insights.alerts(statuses=SHOWN[show], limit=200)
    counts = await insights.active_counts()
    return render(
        request, "alerts.html", page="alerts", alerts=alerts, counts=counts, show=show, shown=list(SHOWN)
    )


@router.post("/{alert_id}/ack", dependencies=[Depends(require_action)])
async def acknowledge(
    request: Request,
    alert_id: int = Path(ge=1, le=MAX_ID),
    service: AlertService = Depends(action_alert_service),
) -> RedirectResponse:
    alert = await service.acknowledge(alert_id, operator(request))
    flash(request, f"Alert {alert.id} ({alert.rule}) acknowledged.")
    return back_to("/alerts")


@router.post("/{alert_id}/resolve", dependencies=[Depends(require_action)])
async def resolve(
    request: Request,
    alert_id: int = Path(ge=1, le=MAX_ID),
    service: AlertService = Depends(action_alert_service),
) -> RedirectResponse:
    alert = await service.resolve(alert_id, operator(request))
    flash(request, f"Alert {alert.id} ({alert.rule}) resolved.")
    return back_to("/alerts")
