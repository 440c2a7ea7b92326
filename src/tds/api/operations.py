"""Admin operations: the complete health report and what the healer did."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from tds.api.deps import get_container, require_admin
from tds.bootstrap import Container
from tds.healer.service import HealerService
from tds.insights.health import HealthInsights, Part, migrations_part

router = APIRouter(tags=["admin: operations"], dependencies=[Depends(require_admin)])


@router.get("/health/complete")
async def health_complete(container: Container = Depends(get_container)) -> JSONResponse:
    """Database, migrations, workers, scheduler, monitor, Zoho token, breakers and alerts, each with a
    status (ok, warning, critical, disabled); 503 when any part is critical."""
    try:
        async with container.engine.connect() as connection:
            migrations = await migrations_part(connection)
        async with container.sessions() as session, session.begin():
            report = await HealthInsights(session, container.settings).report(migrations)
    except Exception as exc:  # the database itself is the part that failed
        part = Part("critical", f"unreachable: {type(exc).__name__}")
        return JSONResponse({"status": "critical", "parts": {"database": asdict(part)}}, status_code=503)
    body = {"status": report.status, "parts": {name: asdict(part) for name, part in report.parts.items()}}
    return JSONResponse(jsonable_encoder(body), status_code=503 if report.status == "critical" else 200)


@router.get("/admin/healer")
async def healer_report(
    recent: int = Query(20, ge=0, le=500), container: Container = Depends(get_container)
) -> dict[str, Any]:
    """Healing actions (overall and in the stuck-work window), the dead-letter outlook, the latest actions."""
    settings = container.settings
    async with container.sessions() as session, session.begin():
        service = HealerService(session, settings.healer, settings.worker.max_attempts)
        report = await service.report(settings.monitor.stuck_window_s, recent)
    encoded: dict[str, Any] = jsonable_encoder(asdict(report))
    return encoded
