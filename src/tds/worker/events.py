"""A claimed job as the handler sees it (EntityEvent), refused when no handler could apply it."""

from __future__ import annotations

from typing import cast

from tds.entities.handler import Action, EntityEvent
from tds.errors import PermanentHandlerError
from tds.queue.jobs import ClaimedJob

ACTIONS = ("upsert", "delete")


def to_event(job: ClaimedJob) -> EntityEvent:
    """The handler's view of a claimed job; PermanentHandlerError when no handler could apply it."""
    if job.action not in ACTIONS:
        raise PermanentHandlerError(f"unknown action {job.action!r}", job_id=job.job_id)
    if not job.entity_id:
        raise PermanentHandlerError("the event has no entity id", job_id=job.job_id)
    return EntityEvent(
        job_id=job.job_id,
        inbox_event_id=job.inbox_event_id,
        entity=job.entity,
        entity_id=job.entity_id,
        action=cast(Action, job.action),
        payload=job.payload or {},
        source=job.source,
        source_modified_at=job.source_modified_at,
    )
