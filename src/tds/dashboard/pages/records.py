"""The records page: look up a Zoho id and see its inbox events, jobs, ERP rows and audit trail."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.ext.asyncio import AsyncSession

from tds.api.deps import get_container, get_session
from tds.bootstrap import Container
from tds.dashboard.render import fragment, render
from tds.dashboard.security import require_login
from tds.entities.naming import ErpTables, build_erp_tables
from tds.insights.records import RecordHistory, RecordInsights
from tds.queue.service import canonical_entity

router = APIRouter(prefix="/records", dependencies=[Depends(require_login)])
MAX_ID_CHARS = 100


def erp_tables(container: Container = Depends(get_container)) -> ErpTables:
    """The physical ERP tables, built once per process from the configuration."""
    tables: ErpTables | None = container.extras.get("dashboard_erp_tables")
    if tables is None:
        tables = build_erp_tables(container.settings.erp)
        container.extras["dashboard_erp_tables"] = tables
    return tables


def record_insights(
    session: AsyncSession = Depends(get_session, scope="function"), tables: ErpTables = Depends(erp_tables)
) -> RecordInsights:
    return RecordInsights(session, tables)


async def _history(insights: RecordInsights, zoho_id: str, entity: str | None) -> RecordHistory | None:
    zoho_id = zoho_id.strip()[:MAX_ID_CHARS]
    if not zoho_id:
        return None
    return await insights.history(zoho_id, canonical_entity(entity) if entity else None)


@router.get("", response_class=HTMLResponse)
async def records_page(
    request: Request,
    zoho_id: str = "",
    entity: str = "",
    insights: RecordInsights = Depends(record_insights),
) -> HTMLResponse:
    history = await _history(insights, zoho_id, entity or None)
    form = {"zoho_id": zoho_id, "entity": entity}
    return render(request, "records.html", page="records", history=history, form=form)


@router.get("/history", response_class=HTMLResponse)
async def record_fragment(
    request: Request, zoho_id: str, entity: str = "", insights: RecordInsights = Depends(record_insights)
) -> HTMLResponse:
    """The record's history alone, re-fetched while any of its jobs is still pending or processing."""
    history = await _history(insights, zoho_id, entity or None)
    form = {"zoho_id": zoho_id, "entity": entity}
    return fragment(request, "_record.html", history=history, form=form)
