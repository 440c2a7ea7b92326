"""The overview page and its live fragment (re-fetched by htmx every few seconds)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.ext.asyncio import AsyncSession

from tds.api.deps import get_container, get_session
from tds.bootstrap import Container
from tds.dashboard.charts import Chart, line_chart
from tds.dashboard.render import fragment, render
from tds.dashboard.security import require_login
from tds.insights.overview import WINDOWS_S, Overview, OverviewInsights, OverviewOptions
from tds.pull.factory import zoho_configured

router = APIRouter(dependencies=[Depends(require_login)])
# Titles for the operations monitor's samples; any other metric is shown under its own name.
CHART_TITLES = {
    "attempts_succeeded": "Throughput: attempts succeeded",
    "failure_rate": "Failure rate",
    "queue_pending": "Jobs pending",
    "oldest_pending_age_s": "Oldest pending job, s",
    "dead_letters_open": "Dead letters open",
    "dead_letters_new": "New dead letters",
    "zoho_budget_used": "Zoho API calls today",
    "sync_lag_s": "Pull lag (worst entity), s",
}


def overview_insights(
    session: AsyncSession = Depends(get_session, scope="function"),
    container: Container = Depends(get_container),
) -> OverviewInsights:
    settings = container.settings
    pull = container.extras.get("pull")
    options = OverviewOptions(
        heartbeat_interval_s=settings.worker.heartbeat_interval_s,
        zoho_configured=zoho_configured(settings),
        scheduler_enabled=settings.pull.scheduler_enabled,
        daily_budget=settings.zoho.daily_request_budget,
        zoho_stats=pull.client.stats.snapshot() if pull is not None else None,
    )
    return OverviewInsights(session, options)


def charts_of(overview: Overview) -> list[Chart]:
    end = overview.generated_at
    start = end - timedelta(seconds=WINDOWS_S[overview.window])
    return [
        line_chart(CHART_TITLES.get(series.name, series.name), series.points, start, end)
        for series in overview.charts
    ]


@router.get("/", response_class=HTMLResponse)
async def overview_page(
    request: Request,
    window: str = "1h",
    insights: OverviewInsights = Depends(overview_insights),
    container: Container = Depends(get_container),
) -> HTMLResponse:
    context = await _context(insights, window, container)
    return render(request, "overview.html", page="overview", windows=list(WINDOWS_S), **context)


@router.get("/overview/live", response_class=HTMLResponse)
async def overview_live(
    request: Request,
    window: str = "1h",
    insights: OverviewInsights = Depends(overview_insights),
    container: Container = Depends(get_container),
) -> HTMLResponse:
    return fragment(request, "_overview_body.html", **await _context(insights, window, container))


async def _context(insights: OverviewInsights, window: str, container: Container) -> dict[str, Any]:
    overview = await insights.overview(window)
    refresh_s = container.settings.dashboard.refresh_interval_s
    return {"overview": overview, "charts": charts_of(overview), "refresh_s": refresh_s}
