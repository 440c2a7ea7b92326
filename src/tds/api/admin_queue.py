"""Admin API for the queue: stats, the dead-letter queue, and replay (one event, one DLQ entry, a filter)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.encoders import jsonable_encoder
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from tds.api.deps import get_container, get_session, require_admin
from tds.bootstrap import Container
from tds.queue.jobs import ReplayableStatus, ReplayFilter, ReplayResult
from tds.queue.service import MAX_PAGE_SIZE, MAX_REASON_CHARS, QueueService

router = APIRouter(prefix="/admin/queue", tags=["admin: queue"], dependencies=[Depends(require_admin)])
MAX_ID = 2**63 - 1  # ids are bigint: anything larger cannot exist, and must not reach the driver


class ReplayRequest(BaseModel):
    """Which inbox events to replay; at least one field, unknown fields refused (a typo must not widen it)."""

    model_config = ConfigDict(extra="forbid")

    entity: str | None = None
    since: AwareDatetime | None = None
    until: AwareDatetime | None = None
    status: ReplayableStatus | None = None


class DiscardRequest(BaseModel):
    """Why a dead letter is closed without running it again (kept with the entry)."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=MAX_REASON_CHARS)


class GroupReplayRequest(BaseModel):
    """One error group of the dead-letter queue: an entity and its errors' first line, digits as `#`."""

    model_config = ConfigDict(extra="forbid")

    entity: str
    error: str


def queue_service(
    session: AsyncSession = Depends(get_session, scope="function"),
    container: Container = Depends(get_container),
) -> QueueService:
    return QueueService(session, container.settings.worker.max_attempts)


@router.get("/stats")
async def queue_stats(service: QueueService = Depends(queue_service)) -> dict[str, Any]:
    """Job counts by status and entity, the oldest ready job's age, open dead letters, workers."""
    stats = await service.stats()
    encoded: dict[str, Any] = jsonable_encoder(asdict(stats))
    return encoded


@router.get("/dead-letters")
async def list_dead_letters(
    entity: str | None = Query(None, description="only this entity (name or alias)"),
    include_replayed: bool = Query(False, description="also entries already replayed or resolved"),
    limit: int = Query(50, ge=1, le=MAX_PAGE_SIZE),
    offset: int = Query(0, ge=0),
    service: QueueService = Depends(queue_service),
) -> dict[str, Any]:
    """Dead letters, newest first (without tracebacks; fetch one entry for its traceback)."""
    letters = await service.dead_letters(
        entity=entity, open_only=not include_replayed, limit=limit, offset=offset
    )
    rows = [{k: v for k, v in asdict(letter).items() if k != "traceback"} for letter in letters]
    return {"dead_letters": jsonable_encoder(rows), "limit": limit, "offset": offset}


@router.get("/dead-letters/{dead_letter_id}")
async def get_dead_letter(
    dead_letter_id: int = Path(ge=1, le=MAX_ID), service: QueueService = Depends(queue_service)
) -> dict[str, Any]:
    """One dead letter with its traceback."""
    return {"dead_letter": jsonable_encoder(asdict(await service.dead_letter(dead_letter_id)))}


@router.post("/dead-letters/{dead_letter_id}/replay")
async def replay_dead_letter(
    dead_letter_id: int = Path(ge=1, le=MAX_ID), service: QueueService = Depends(queue_service)
) -> dict[str, int]:
    """Queues the dead letter's inbox event again and marks the entry replayed."""
    return _counts(await service.replay_dead_letter(dead_letter_id))


@router.post("/dead-letters/{dead_letter_id}/discard")
async def discard_dead_letter(
    body: DiscardRequest,
    dead_letter_id: int = Path(ge=1, le=MAX_ID),
    service: QueueService = Depends(queue_service),
) -> dict[str, Any]:
    """Closes an open dead letter without running it again; 409 when it is already resolved."""
    await service.discard_dead_letter(dead_letter_id, body.reason)
    return {"discarded": dead_letter_id}


@router.post("/dead-letters/replay-group")
async def replay_dead_letter_group(
    body: GroupReplayRequest, service: QueueService = Depends(queue_service)
) -> dict[str, int]:
    """Queues again every open dead letter of one entity and error group (as the dashboard lists them)."""
    return _counts(await service.replay_dead_letter_group(body.entity, body.error))


@router.post("/events/{inbox_event_id}/replay")
async def replay_event(
    inbox_event_id: int = Path(ge=1, le=MAX_ID), service: QueueService = Depends(queue_service)
) -> dict[str, int]:
    """Queues one inbox event again (unless it is still queued)."""
    return _counts(await service.replay_event(inbox_event_id))


@router.post("/replay")
async def replay_matching(
    body: ReplayRequest, service: QueueService = Depends(queue_service)
) -> dict[str, int]:
    """Queues every inbox event matching the filter again, oldest first."""
    where = ReplayFilter(entity=body.entity, since=body.since, until=body.until, status=body.status)
    return _counts(await service.replay_matching(where))


def _counts(result: ReplayResult) -> dict[str, int]:
    return {"matched": result.matched, "enqueued": result.enqueued}
