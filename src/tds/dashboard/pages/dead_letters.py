"""The dead-letter page: open entries grouped by error; replay one or a group, discard one with a reason."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from tds.api.admin_queue import MAX_ID
from tds.dashboard.deps import action_queue_service
from tds.dashboard.pages.queue import queue_insights
from tds.dashboard.render import back_to, flash, render
from tds.dashboard.security import require_action, require_login
from tds.insights.queue import QueueInsights
from tds.queue.service import QueueService, canonical_entity

router = APIRouter(prefix="/dead-letters", dependencies=[Depends(require_login)])


@router.get("", response_class=HTMLResponse)
async def dead_letters_page(
    request: Request, insights: QueueInsights = Depends(queue_insights)
) -> HTMLResponse:
    groups = await insights.dead_letter_groups()
    closed = await insights.closed_dead_letters()
    return render(request, "dead_letters.html", page="dead_letters", groups=groups, closed=closed)


@router.get("/group", response_class=HTMLResponse)
async def group_page(
    request: Request, entity: str, error: str, insights: QueueInsights = Depends(queue_insights)
) -> HTMLResponse:
    entity = canonical_entity(entity)
    entries = await insights.group_entries(entity, error)
    return render(
        request, "dead_letter_group.html", page="dead_letters", entity=entity, error=error, entries=entries
    )


@router.post("/{dead_letter_id}/replay", dependencies=[Depends(require_action)])
async def replay_one(
    request: Request,
    dead_letter_id: int = Path(ge=1, le=MAX_ID),
    service: QueueService = Depends(action_queue_service),
) -> RedirectResponse:
    letter = await service.dead_letter(dead_letter_id)
    result = await service.replay_dead_letter(dead_letter_id)
    flash(request, f"Dead letter {dead_letter_id} replayed: {result.enqueued} job queued.")
    return back_to("/records", zoho_id=letter.entity_key.partition(":")[2], entity=letter.entity)


@router.post("/replay-group", dependencies=[Depends(require_action)])
async def replay_group(
    request: Request,
    entity: str = Form(...),
    error: str = Form(...),
    service: QueueService = Depends(action_queue_service),
) -> RedirectResponse:
    result = await service.replay_dead_letter_group(entity, error)
    flash(request, f"Group replayed: {result.matched} dead letters, {result.enqueued} jobs queued.")
    return back_to("/dead-letters")


@router.post("/{dead_letter_id}/discard", dependencies=[Depends(require_action)])
async def discard(
    request: Request,
    dead_letter_id: int = Path(ge=1, le=MAX_ID),
    reason: str = Form(""),
    service: QueueService = Depends(action_queue_service),
) -> RedirectResponse:
    await service.discard_dead_letter(dead_letter_id, reason)
    flash(request, f"Dead letter {dead_letter_id} discarded.")
    return back_to("/dead-letters")
