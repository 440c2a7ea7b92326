"""The reconciliation page: recent runs with their counts, one run's differences, start a run."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.ext.asyncio import AsyncSession

from tds.api.admin_queue import MAX_ID
from tds.api.admin_reconcile import start_reconcile_runs
from tds.api.deps import get_container, get_session
from tds.bootstrap import Container
from tds.dashboard.render import back_to, flash, fragment, render
from tds.dashboard.security import require_action, require_login
from tds.errors import NotFound
from tds.insights.reconcile import ReconcileInsights
from tds.pull.factory import zoho_configured
from tds.reconcile.compare import KINDS, Kind

router = APIRouter(prefix="/reconcile", dependencies=[Depends(require_login)])
PAGE_SIZE = 100


def reconcile_insights(session: AsyncSession = Depends(get_session, scope="function")) -> ReconcileInsights:
    return ReconcileInsights(session)


@router.get("", response_class=HTMLResponse)
async def reconcile_page(
    request: Request,
    insights: ReconcileInsights = Depends(reconcile_insights),
    container: Container = Depends(get_container),
) -> HTMLResponse:
    runs = await insights.recent()
    configured = zoho_configured(container.settings)
    return render(request, "reconcile.html", page="reconcile", runs=runs, zoho_configured=configured)


@router.get("/rows", response_class=HTMLResponse)
async def reconcile_rows(
    request: Request, insights: ReconcileInsights = Depends(reconcile_insights)
) -> HTMLResponse:
    """The runs table alone, re-fetched every few seconds while a run is going."""
    return fragment(request, "_reconcile_rows.html", runs=await insights.recent())


@router.get("/runs/{run_id}", response_class=HTMLResponse)
async def run_page(
    request: Request,
    run_id: int = Path(ge=1, le=MAX_ID),
    kind: Kind | None = Query(None),
    offset: int = Query(0, ge=0),
    insights: ReconcileInsights = Depends(reconcile_insights),
) -> HTMLResponse:
    """One run: its counts, and its differences (one kind, or all) a hundred at a time."""
    run = await insights.run(run_id)
    if run is None:
        raise NotFound(f"reconcile run {run_id} does not exist")
    found = await insights.differences(run_id, kind, PAGE_SIZE + 1, offset)
    context: dict[str, Any] = {
        "differences": found[:PAGE_SIZE],
        "more": len(found) > PAGE_SIZE,
        "offset": offset,
    }
    return render(request, "reconcile_run.html", page="reconcile", run=run, kind=kind, kinds=KINDS, **context)


@router.post("/start", dependencies=[Depends(require_action)])
async def start(
    request: Request,
    entity: str = Form(...),
    repair: bool = Form(False),
    container: Container = Depends(get_container),
) -> RedirectResponse:
    run_ids = await start_reconcile_runs(container, entity, repair)
    what = "Started reconciliation and repair" if repair else "Started reconciliation"
    flash(request, f"{what} of {entity}: run {', '.join(map(str, run_ids))}.")
    return back_to("/reconcile")
