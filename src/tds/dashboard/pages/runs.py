"""The sync-runs page: recent runs with live progress; start full or incremental per entity; cancel."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.ext.asyncio import AsyncSession

from tds.api.admin_queue import MAX_ID
from tds.api.admin_sync import SyncMode, request_cancel, start_runs
from tds.api.deps import get_container, get_session
from tds.bootstrap import Container
from tds.dashboard.deps import ACTION_SESSION
from tds.dashboard.render import back_to, flash, fragment, render
from tds.dashboard.security import require_action, require_login
from tds.insights.runs import RunInsights
from tds.pull.factory import zoho_configured

router = APIRouter(prefix="/sync", dependencies=[Depends(require_login)])


def run_insights(session: AsyncSession = Depends(get_session, scope="function")) -> RunInsights:
    return RunInsights(session)


@router.get("", response_class=HTMLResponse)
async def runs_page(
    request: Request,
    insights: RunInsights = Depends(run_insights),
    container: Container = Depends(get_container),
) -> HTMLResponse:
    runs = await insights.recent()
    configured = zoho_configured(container.settings)
    return render(request, "runs.html", page="sync", runs=runs, zoho_configured=configured)


@router.get("/rows", response_class=HTMLResponse)
async def run_rows(request: Request, insights: RunInsights = Depends(run_insights)) -> HTMLResponse:
    """The runs table alone, re-fetched every few seconds while a run is going."""
    return fragment(request, "_run_rows.html", runs=await insights.recent())


@router.post("/start", dependencies=[Depends(require_action)])
async def start(
    request: Request,
    entity: str = Form(...),
    mode: SyncMode = Form("incremental"),
    container: Container = Depends(get_container),
) -> RedirectResponse:
    run_ids = await start_runs(container, entity, mode)
    flash(request, f"Started {mode} sync of {entity}: run {', '.join(map(str, run_ids))}.")
    return back_to("/sync")


@router.post("/runs/{run_id}/cancel", dependencies=[Depends(require_action)])
async def cancel(
    request: Request, run_id: int = Path(ge=1, le=MAX_ID), session: AsyncSession = ACTION_SESSION
) -> RedirectResponse:
    await request_cancel(session, run_id)
    flash(request, f"Run {run_id} will stop after its current page.")
    return back_to("/sync")
