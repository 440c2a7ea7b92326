"""The queue page: filtered jobs, one job's detail, and a bulk replay of a filtered set after confirmation."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.ext.asyncio import AsyncSession

from tds.api.admin_queue import MAX_ID
from tds.api.deps import get_session
from tds.dashboard.deps import action_queue_service
from tds.dashboard.forms import job_filter, replay_filter
from tds.dashboard.render import back_to, flash, render
from tds.dashboard.security import require_action, require_login
from tds.errors import NotFound
from tds.insights.queue import JOB_STATUSES, QueueInsights
from tds.queue.service import QueueService, validate_filter

router = APIRouter(prefix="/queue", dependencies=[Depends(require_login)])


def queue_insights(session: AsyncSession = Depends(get_session, scope="function")) -> QueueInsights:
    return QueueInsights(session)


@router.get("", response_class=HTMLResponse)
async def queue_page(
    request: Request,
    entity: str | None = None,
    status: str | None = None,
    since: str | None = None,
    until: str | None = None,
    before: int | None = None,
    insights: QueueInsights = Depends(queue_insights),
) -> HTMLResponse:
    where = job_filter(entity, status, since, until)
    page = await insights.jobs(where, before_id=before)
    count, capped = await insights.count(where)
    form = {"entity": where.entity or "", "status": status or "", "since": since or "", "until": until or ""}
    context: dict[str, Any] = {"page_of_jobs": page, "count": count, "capped": capped, "form": form}
    return render(request, "queue.html", page="queue", statuses=JOB_STATUSES, **context)


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
async def job_page(
    request: Request, job_id: int = Path(ge=1, le=MAX_ID), insights: QueueInsights = Depends(queue_insights)
) -> HTMLResponse:
    detail = await insights.job(job_id)
    if detail is None:
        raise NotFound(f"there is no job {job_id}")
    return render(request, "job.html", page="queue", detail=detail)


@router.post("/jobs/{job_id}/replay", dependencies=[Depends(require_action)])
async def replay_job(
    request: Request,
    job_id: int = Path(ge=1, le=MAX_ID),
    service: QueueService = Depends(action_queue_service),
) -> RedirectResponse:
    detail = await QueueInsights(service.session).job(job_id)  # read in the action's own transaction
    if detail is None:
        raise NotFound(f"there is no job {job_id}")
    result = await service.replay_event(detail.job.inbox_event_id)
    flash(request, f"Event {detail.job.inbox_event_id} replayed: {result.enqueued} job queued.")
    entity_id = detail.job.entity_key.partition(":")[2]
    return back_to("/records", zoho_id=entity_id, entity=detail.job.entity)


def filter_form(
    entity: str = Form(""), status: str = Form(""), since: str = Form(""), until: str = Form("")
) -> dict[str, str]:
    """The queue filter as a bulk replay's form sends it (the same fields as the queue page's query)."""
    return {"entity": entity, "status": status, "since": since, "until": until}


@router.post("/replay", response_class=HTMLResponse, dependencies=[Depends(require_action)])
async def confirm_replay(
    request: Request,
    form: dict[str, str] = Depends(filter_form),
    insights: QueueInsights = Depends(queue_insights),
) -> HTMLResponse:
    """Step one: how many inbox events the replay would queue again, and a button to go ahead."""
    where = validate_filter(replay_filter(job_filter(**form)))
    count, capped = await insights.count_replayable(where)
    context: dict[str, Any] = {"where": where, "form": form, "count": count, "capped": capped}
    return render(request, "replay_confirm.html", page="queue", **context)


@router.post("/replay/run", dependencies=[Depends(require_action)])
async def run_replay(
    request: Request,
    form: dict[str, str] = Depends(filter_form),
    service: QueueService = Depends(action_queue_service),
) -> RedirectResponse:
    """Step two: the replay itself, through the queue service the admin API uses."""
    result = await service.replay_matching(replay_filter(job_filter(**form)))
    flash(request, f"Replay done: {result.matched} events matched, {result.enqueued} queued again.")
    return back_to("/queue", entity=form["entity"], status="pending" if result.enqueued else form["status"])
