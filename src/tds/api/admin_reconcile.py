"""Admin API for reconciliation: start a run (or one per entity), list runs, a run's differences."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.encoders import jsonable_encoder
from sqlalchemy.ext.asyncio import AsyncSession

from tds.api.admin_sync import BackgroundRuns, pull_components
from tds.api.deps import get_container, get_session, require_admin
from tds.bootstrap import Container
from tds.errors import NotFound
from tds.reconcile.compare import KINDS, Kind
from tds.reconcile.factory import build_reconcile, entity_names
from tds.reconcile.reports import ReportRepository
from tds.reconcile.service import ReconcileService

router = APIRouter(
    prefix="/admin/reconcile", tags=["admin: reconcile"], dependencies=[Depends(require_admin)]
)
MAX_ID = 2**63 - 1


def reconcile_service(container: Container) -> ReconcileService:
    """The process's reconciliation service, on the process's Zoho client (503 when not configured)."""
    service: ReconcileService | None = container.extras.get("reconcile")
    if service is None:
        client = pull_components(container).client
        service = build_reconcile(container.settings, container.sessions, client)
        container.extras["reconcile"] = service
    return service


@router.post("/{entity}", status_code=202)
async def start_reconcile(
    entity: str,
    repair: bool = Query(False, description="queue the fixes through the inbox and queue"),
    container: Container = Depends(get_container),
) -> dict[str, Any]:
    """Starts one run (one per entity for `all`) in the background; answers with the run ids."""
    run_ids = await start_reconcile_runs(container, entity, repair)
    return {"status": "started", "repair": repair, "runs": run_ids}


async def start_reconcile_runs(container: Container, entity: str, repair: bool) -> list[int]:
    """Starts one run per entity of `entity` (a name, an alias or `all`) in the background.

    Raises:
        UnknownEntity: not an entity (404); ZohoNotConfigured (503) without Zoho settings.
    """
    names = entity_names(entity)
    service = reconcile_service(container)
    running: BackgroundRuns = container.extras.setdefault("reconcile_runs", BackgroundRuns())
    run_ids = []
    for name in names:
        run_id = await service.start_run(name, repair)
        running.start(service.run(name, repair, run_id=run_id))
        run_ids.append(run_id)
    return run_ids


@router.get("/runs")
async def list_runs(
    entity: str | None = Query(None, description="only this entity"),
    limit: int = Query(20, ge=1, le=500),
    offset: int = Query(0, ge=0),
    session: AsyncSession = Depends(get_session, scope="function"),
) -> dict[str, Any]:
    """Runs, newest first, with their counts and API calls."""
    name = entity_names(entity)[0] if entity else None
    runs = await ReportRepository(session).runs(name, limit, offset)
    return {"runs": jsonable_encoder(runs), "limit": limit, "offset": offset}


@router.get("/runs/{run_id}")
async def get_run(
    run_id: int = Path(ge=1, le=MAX_ID), session: AsyncSession = Depends(get_session, scope="function")
) -> dict[str, Any]:
    run = await ReportRepository(session).run(run_id)
    if run is None:
        raise NotFound(f"reconcile run {run_id} does not exist")
    return {"run": jsonable_encoder(run)}


@router.get("/runs/{run_id}/differences")
async def list_differences(
    run_id: int = Path(ge=1, le=MAX_ID),
    kind: Kind | None = Query(None, description=f"only one kind ({', '.join(KINDS)})"),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
    session: AsyncSession = Depends(get_session, scope="function"),
) -> dict[str, Any]:
    """A run's differences in the order found: kind, record, the fields that differ, the repair queued."""
    reports = ReportRepository(session)
    if await reports.run(run_id) is None:
        raise NotFound(f"reconcile run {run_id} does not exist")
    rows = await reports.differences(run_id, kind, limit, offset)
    return {"differences": jsonable_encoder(rows), "limit": limit, "offset": offset}
