"""Admin API for alerts: list, one alert, acknowledge and resolve."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Body, Depends, Path, Query
from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from tds.alerts.service import AlertService
from tds.api.deps import get_session, require_admin
from tds.insights.alerts import ACTIVE_STATUSES, MAX_PAGE_SIZE, AlertStatusName, AlertView

router = APIRouter(prefix="/admin/alerts", tags=["admin: alerts"], dependencies=[Depends(require_admin)])
MAX_ID = 2**63 - 1  # ids are bigint: anything larger cannot exist, and must not reach the driver


class AlertAction(BaseModel):
    """Who acknowledges or resolves the alert (kept on the alert)."""

    model_config = ConfigDict(extra="forbid")

    by: str = Field(default="admin API", min_length=1, max_length=200)


def alert_service(session: AsyncSession = Depends(get_session, scope="function")) -> AlertService:
    return AlertService(session)


@router.get("")
async def list_alerts(
    status: list[AlertStatusName] = Query(list(ACTIVE_STATUSES), description="repeat for several"),
    limit: int = Query(50, ge=1, le=MAX_PAGE_SIZE),
    offset: int = Query(0, ge=0),
    service: AlertService = Depends(alert_service),
) -> dict[str, Any]:
    """Alerts in the given statuses (default open and acknowledged), newest first."""
    alerts = await service.list(statuses=status, limit=limit, offset=offset)
    return {"alerts": [_encode(a) for a in alerts], "limit": limit, "offset": offset}


@router.get("/{alert_id}")
async def get_alert(
    alert_id: int = Path(ge=1, le=MAX_ID), service: AlertService = Depends(alert_service)
) -> dict[str, Any]:
    return {"alert": _encode(await service.get(alert_id))}


@router.post("/{alert_id}/ack")
async def acknowledge_alert(
    alert_id: int = Path(ge=1, le=MAX_ID),
    body: AlertAction | None = Body(None),
    service: AlertService = Depends(alert_service),
) -> dict[str, Any]:
    """open -> acknowledged (stops escalation; repeat notifications continue until resolved)."""
    return {"alert": _encode(await service.acknowledge(alert_id, (body or AlertAction()).by))}


@router.post("/{alert_id}/resolve")
async def resolve_alert(
    alert_id: int = Path(ge=1, le=MAX_ID),
    body: AlertAction | None = Body(None),
    service: AlertService = Depends(alert_service),
) -> dict[str, Any]:
    """open or acknowledged -> resolved (a condition still present opens a new alert next round)."""
    return {"alert": _encode(await service.resolve(alert_id, (body or AlertAction()).by))}


def _encode(alert: AlertView) -> dict[str, Any]:
    encoded: dict[str, Any] = jsonable_encoder(asdict(alert))
    return encoded
