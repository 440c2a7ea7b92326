"""Queue operations for operators: replay (one event, one dead letter, a filtered set), DLQ and stats."""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy.ext.asyncio import AsyncSession

from tds.entities import catalog
from tds.errors import NotFound, TdsError
from tds.queue.dead_letters import DeadLetterRepository
from tds.queue.jobs import REPLAYABLE_STATUSES, DeadLetterView, QueueStats, ReplayFilter, ReplayResult
from tds.queue.operator_repository import OperatorRepository
from tds.worker.repository import WorkerRepository

MAX_PAGE_SIZE = 500
MAX_REASON_CHARS = 2000


class InvalidQueueRequest(TdsError):
    """The queue request is invalid."""

    status_code = 400


class DeadLetterClosed(TdsError):
    """The dead letter is already resolved (replayed or discarded)."""

    status_code = 409


class QueueService:
    """Replays and reads the queue inside the caller's transaction (the caller commits)."""

    def __init__(self, session: AsyncSession, max_attempts: int) -> None:
        self.session = session
        self.max_attempts = max_attempts
        self.repo = OperatorRepository(session)

    async def replay_event(self, inbox_event_id: int) -> ReplayResult:
        """Queues one inbox event again; NotFound when there is no such replayable event."""
        result = await self.repo.replay_event(inbox_event_id, self.max_attempts)
        if result.matched == 0:
            raise NotFound(f"no replayable inbox event {inbox_event_id}", inbox_event_id=inbox_event_id)
        return result

    async def replay_dead_letter(self, dead_letter_id: int) -> ReplayResult:
        """Queues a dead letter's inbox event again and marks the entry replayed."""
        letter = await self.dead_letter(dead_letter_id)
        return await self.replay_event(letter.inbox_event_id)

    async def replay_matching(self, where: ReplayFilter) -> ReplayResult:
        """Queues every inbox event the filter matches (at least one field must be given)."""
        return await self.repo.replay_matching(validate_filter(where), self.max_attempts)

    async def replay_dead_letter_group(self, entity: str, error: str) -> ReplayResult:
        """Queues again every open dead letter of `entity` in one error group (first line, digits as #)."""
        result = await DeadLetterRepository(self.session).replay_group(
            canonical_entity(entity), error, self.max_attempts
        )
        if result.matched == 0:
            raise NotFound(f"no open dead letters of {entity} with that error", entity=entity)
        return result

    async def discard_dead_letter(self, dead_letter_id: int, reason: str) -> None:
        """Closes an open dead letter without running it again; the reason is kept with the entry."""
        reason = reason.strip()
        if not reason or len(reason) > MAX_REASON_CHARS:
            raise InvalidQueueRequest(f"give a reason for discarding (1..{MAX_REASON_CHARS} characters)")
        letter = await self.dead_letter(dead_letter_id)
        if not await DeadLetterRepository(self.session).discard(dead_letter_id, reason):
            raise DeadLetterClosed(f"dead letter {dead_letter_id} is already resolved", id=letter.id)

    async def dead_letter(self, dead_letter_id: int) -> DeadLetterView:
        letter = await self.repo.get_dead_letter(dead_letter_id)
        if letter is None:
            raise NotFound(f"no dead letter {dead_letter_id}", dead_letter_id=dead_letter_id)
        return letter

    async def dead_letters(
        self, *, entity: str | None = None, open_only: bool = True, limit: int = 50, offset: int = 0
    ) -> list[DeadLetterView]:
        if not 1 <= limit <= MAX_PAGE_SIZE or offset < 0:
            raise InvalidQueueRequest(f"limit must be 1..{MAX_PAGE_SIZE} and offset at least 0")
        entity = canonical_entity(entity) if entity is not None else None
        return await self.repo.list_dead_letters(
            entity=entity, open_only=open_only, limit=limit, offset=offset
        )

    async def stats(self) -> QueueStats:
        by_status: dict[str, int] = {}
        by_entity: dict[str, dict[str, int]] = {}
        for entity, status, count in await self.repo.counts():
            by_status[status] = by_status.get(status, 0) + count
            by_entity.setdefault(entity, {})[status] = count
        oldest_ready_age_s, dead_letters_open = await self.repo.backlog()
        workers = await WorkerRepository(self.session).list_workers()
        return QueueStats(
            by_status=by_status,
            by_entity=by_entity,
            oldest_ready_age_s=oldest_ready_age_s,
            dead_letters_open=dead_letters_open,
            workers=[asdict(worker) for worker in workers],
        )


def canonical_entity(name: str) -> str:
    """The catalog's canonical name for an entity name or alias; InvalidQueueRequest when unknown."""
    spec = catalog.lookup(name)
    if spec is None:
        raise InvalidQueueRequest(f"unknown entity {name!r}", entity=name)
    return spec.name


def validate_filter(where: ReplayFilter) -> ReplayFilter:
    """Rejects an empty filter (it would replay everything) and an empty or inverted time range."""
    if where.is_empty:
        raise InvalidQueueRequest("give at least one of entity, since, until or status")
    if where.status is not None and where.status not in REPLAYABLE_STATUSES:
        raise InvalidQueueRequest(f"status must be one of {', '.join(REPLAYABLE_STATUSES)}")
    if where.since is not None and where.until is not None and where.since >= where.until:
        raise InvalidQueueRequest("since must be earlier than until")
    for moment in (where.since, where.until):
        if moment is not None and moment.tzinfo is None:
            raise InvalidQueueRequest("since and until need a time zone (or use UTC with 'Z')")
    if where.entity is None:
        return where
    return ReplayFilter(canonical_entity(where.entity), where.since, where.until, where.status)
