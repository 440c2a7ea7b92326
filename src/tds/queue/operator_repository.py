"""The operator's queue SQL: replay (one event, or every event matching a filter), dead-letter views,
job counts and the backlog. Every statement runs in the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tds.db.schema import tds_text
from tds.queue.jobs import DeadLetterView, ReplayFilter, ReplayResult

# The rest of a replay statement after its `WITH targets AS (..` (the inbox events to run again): a
# new pending job per target without an active one, its inbox event reset, its dead letters closed.
ENQUEUE_TAIL = """
), fresh AS (
    INSERT INTO tds.tds_sync_queue (inbox_event_id, entity, entity_key, max_attempts)
    SELECT t.id, t.entity, t.entity || ':' || t.entity_id, :max_attempts FROM targets AS t
    WHERE NOT EXISTS (SELECT 1 FROM tds.tds_sync_queue AS q
                      WHERE q.inbox_event_id = t.id AND q.status IN ('pending', 'processing'))
    ORDER BY t.id
    RETURNING inbox_event_id
), reset AS (
    UPDATE tds.tds_inbox_events AS i SET status = 'received', processed_at = NULL, error = NULL
    FROM fresh WHERE i.id = fresh.inbox_event_id
), replayed AS (
    UPDATE tds.tds_dead_letter_queue AS d SET replayed_at = now(), resolved_at = now()
    FROM fresh WHERE d.inbox_event_id = fresh.inbox_event_id AND d.resolved_at IS NULL
)
SELECT (SELECT count(*) FROM targets), (SELECT count(*) FROM fresh)
"""
# Inbox events that can run again (a rejected one never ran and never will).
REPLAYABLE = "entity IS NOT NULL AND entity_id IS NOT NULL AND status <> 'rejected'"

# Replays one inbox event: a new pending job (unless one is active), inbox reset, its DLQ entries closed.
REPLAY_EVENT_SQL = tds_text(
    f"WITH targets AS (SELECT id, entity, entity_id FROM tds.tds_inbox_events WHERE id = :inbox_event_id "
    f"AND {REPLAYABLE}" + ENQUEUE_TAIL
)

# Replays every inbox event matching the filter (each given field must match), in event order.
REPLAY_MATCHING_SQL = tds_text(
    f"""WITH targets AS (
    SELECT id, entity, entity_id FROM tds.tds_inbox_events WHERE {REPLAYABLE}
      AND (CAST(:entity AS text) IS NULL OR entity = CAST(:entity AS text))
      AND (CAST(:since AS timestamptz) IS NULL OR received_at >= CAST(:since AS timestamptz))
      AND (CAST(:until AS timestamptz) IS NULL OR received_at < CAST(:until AS timestamptz))
      AND (CAST(:status AS text) IS NULL OR status = CAST(:status AS text))"""
    + ENQUEUE_TAIL
)

_DLQ_COLUMNS = (
    "id, queue_job_id, inbox_event_id, entity, entity_key, attempts, error, failed_at, replayed_at, "
    "resolved_at, discarded_at, discard_reason"
)

# One dead-letter entry with its traceback.
GET_DEAD_LETTER_SQL = tds_text(
    f"SELECT {_DLQ_COLUMNS}, traceback FROM tds.tds_dead_letter_queue WHERE id = :id"
)

# A page of dead letters, newest first, optionally one entity's, optionally only the open ones.
LIST_DEAD_LETTERS_SQL = tds_text(f"""
SELECT {_DLQ_COLUMNS} FROM tds.tds_dead_letter_queue
WHERE (CAST(:entity AS text) IS NULL OR entity = CAST(:entity AS text))
  AND (NOT :open_only OR resolved_at IS NULL)
ORDER BY id DESC LIMIT :limit OFFSET :offset
""")

# Job counts per entity and status.
QUEUE_COUNTS_SQL = tds_text("SELECT entity, status, count(*) FROM tds.tds_sync_queue GROUP BY entity, status")

# The age in seconds of the oldest job that is ready to run, and how many dead letters are open.
BACKLOG_SQL = tds_text("""
SELECT (SELECT EXTRACT(EPOCH FROM now() - min(created_at)) FROM tds.tds_sync_queue
        WHERE status = 'pending' AND run_after <= now()),
       (SELECT count(*) FROM tds.tds_dead_letter_queue WHERE resolved_at IS NULL)
""")


class OperatorRepository:
    """Replays and reads of the queue and its dead letters."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def replay_event(self, inbox_event_id: int, max_attempts: int) -> ReplayResult:
        params = {"inbox_event_id": inbox_event_id, "max_attempts": max_attempts}
        return await self._replay(REPLAY_EVENT_SQL, params)

    async def replay_matching(self, where: ReplayFilter, max_attempts: int) -> ReplayResult:
        params = {"entity": where.entity, "since": where.since, "until": where.until, "status": where.status}
        return await self._replay(REPLAY_MATCHING_SQL, {**params, "max_attempts": max_attempts})

    async def get_dead_letter(self, dead_letter_id: int) -> DeadLetterView | None:
        row = (await self.session.execute(GET_DEAD_LETTER_SQL, {"id": dead_letter_id})).first()
        return None if row is None else DeadLetterView(*row)

    async def list_dead_letters(
        self, *, entity: str | None, open_only: bool, limit: int, offset: int
    ) -> list[DeadLetterView]:
        params = {"entity": entity, "open_only": open_only, "limit": limit, "offset": offset}
        rows = await self.session.execute(LIST_DEAD_LETTERS_SQL, params)
        return [DeadLetterView(*row) for row in rows]

    async def counts(self) -> list[tuple[str, str, int]]:
        rows = await self.session.execute(QUEUE_COUNTS_SQL)
        return [(entity, status, int(n)) for entity, status, n in rows]

    async def backlog(self) -> tuple[float | None, int]:
        """The oldest ready job's age in seconds (None when none is ready) and the open dead letters."""
        age, dead_letters = (await self.session.execute(BACKLOG_SQL)).one()
        return (None if age is None else float(age)), int(dead_letters)

    async def _replay(self, statement: Any, params: dict[str, Any]) -> ReplayResult:
        matched, enqueued = (await self.session.execute(statement, params)).one()
        return ReplayResult(matched=int(matched), enqueued=int(enqueued))
