"""SQL behind the dashboard's queue pages: filtered job pages, one job's detail, dead-letter groups."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tds.db.schema import tds_text
from tds.queue.dead_letters import ERROR_GROUP_SQL
from tds.queue.operator_repository import REPLAYABLE

_JOB_COLUMNS = (
    "id, inbox_event_id, entity, entity_key, status, attempts, max_attempts, created_at, updated_at, "
    "run_after, finished_at, locked_by, last_error"
)
_JOB_FILTER = """
WHERE (CAST(:entity AS text) IS NULL OR entity = CAST(:entity AS text))
  AND (CAST(:status AS text) IS NULL OR status = CAST(:status AS text))
  AND (CAST(:since AS timestamptz) IS NULL OR created_at >= CAST(:since AS timestamptz))
  AND (CAST(:until AS timestamptz) IS NULL OR created_at < CAST(:until AS timestamptz))
"""

# A page of jobs matching the filter, newest first, keyset-paged by id (no OFFSET on a large table).
# Entity and status filters walk ix_tds_sync_queue_entity_status_id / _status_id backwards.
LIST_JOBS_SQL = tds_text(
    f"SELECT {_JOB_COLUMNS} FROM tds.tds_sync_queue {_JOB_FILTER}"
    " AND (CAST(:before_id AS bigint) IS NULL OR id < CAST(:before_id AS bigint))"
    " ORDER BY id DESC LIMIT :limit"
)

# How many jobs match the filter, counted no further than :cap (so a count never reads a million rows).
COUNT_JOBS_SQL = tds_text(
    f"SELECT count(*) FROM (SELECT 1 FROM tds.tds_sync_queue {_JOB_FILTER} LIMIT :cap) AS m"
)

# How many inbox events a filtered replay would select (the replay's own WHERE), counted up to :cap.
COUNT_REPLAYABLE_SQL = tds_text(f"""
SELECT count(*) FROM (
    SELECT 1 FROM tds.tds_inbox_events WHERE {REPLAYABLE}
      AND (CAST(:entity AS text) IS NULL OR entity = CAST(:entity AS text))
      AND (CAST(:since AS timestamptz) IS NULL OR received_at >= CAST(:since AS timestamptz))
      AND (CAST(:until AS timestamptz) IS NULL OR received_at < CAST(:until AS timestamptz))
      AND (CAST(:status AS text) IS NULL OR status = CAST(:status AS text))
    LIMIT :cap) AS m
""")

# One job.
GET_JOB_SQL = tds_text(f"SELECT {_JOB_COLUMNS} FROM tds.tds_sync_queue WHERE id = :id")

# The inbox event a job applies, with its payload as indented JSON text.
GET_EVENT_SQL = tds_text("""
SELECT id, source, entity, entity_id, action, status, received_at, processed_at, source_modified_at,
       error, jsonb_pretty(payload) AS payload
FROM tds.tds_inbox_events WHERE id = :id
""")

# What each attempt of a job came to, oldest first.
JOB_LOGS_SQL = tds_text("""
SELECT created_at, outcome, message, duration_ms, worker_id FROM tds.tds_sync_logs
WHERE queue_job_id = :id ORDER BY id LIMIT 200
""")

# The dead-letter entries a job produced, with tracebacks.
JOB_DEAD_LETTERS_SQL = tds_text("""
SELECT id, error, traceback, failed_at, replayed_at, resolved_at, discarded_at, discard_reason
FROM tds.tds_dead_letter_queue WHERE queue_job_id = :id ORDER BY id
""")

# The ERP changes a job made (before/after and the changed fields).
JOB_AUDIT_SQL = tds_text("""
SELECT id, erp_table, action, before, after, changed_fields, changed_at FROM tds.tds_audit_trail
WHERE queue_job_id = :id ORDER BY id LIMIT 50
""")

# Open dead letters grouped by entity and the first line of their error, largest group first.
DEAD_LETTER_GROUPS_SQL = tds_text(f"""
SELECT entity, {ERROR_GROUP_SQL} AS error, count(*) AS entries, min(failed_at) AS first_failed_at,
       max(failed_at) AS last_failed_at, max(id) AS newest_id
FROM tds.tds_dead_letter_queue WHERE resolved_at IS NULL
GROUP BY 1, 2 ORDER BY entries DESC, last_failed_at DESC LIMIT :limit
""")

# The newest open dead letters of one group.
GROUP_ENTRIES_SQL = tds_text(f"""
SELECT id, queue_job_id, inbox_event_id, entity_key, attempts, error, failed_at
FROM tds.tds_dead_letter_queue
WHERE resolved_at IS NULL AND entity = :entity AND {ERROR_GROUP_SQL} = :error
ORDER BY id DESC LIMIT :limit
""")

# Recently closed dead letters (replayed or discarded), newest first.
CLOSED_DEAD_LETTERS_SQL = tds_text("""
SELECT id, queue_job_id, inbox_event_id, entity_key, error, replayed_at, discarded_at, discard_reason,
       resolved_at
FROM tds.tds_dead_letter_queue WHERE resolved_at IS NOT NULL ORDER BY resolved_at DESC LIMIT :limit
""")


class QueueInsightsRepository:
    """Read-only queue queries, through one session."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def jobs(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return await self._all(LIST_JOBS_SQL, params)

    async def count_jobs(self, params: dict[str, Any]) -> int:
        return int(await self.session.scalar(COUNT_JOBS_SQL, params) or 0)

    async def count_replayable(self, params: dict[str, Any]) -> int:
        return int(await self.session.scalar(COUNT_REPLAYABLE_SQL, params) or 0)

    async def job(self, job_id: int) -> dict[str, Any] | None:
        rows = await self._all(GET_JOB_SQL, {"id": job_id})
        return rows[0] if rows else None

    async def event(self, event_id: int) -> dict[str, Any] | None:
        rows = await self._all(GET_EVENT_SQL, {"id": event_id})
        return rows[0] if rows else None

    async def job_logs(self, job_id: int) -> list[dict[str, Any]]:
        return await self._all(JOB_LOGS_SQL, {"id": job_id})

    async def job_dead_letters(self, job_id: int) -> list[dict[str, Any]]:
        return await self._all(JOB_DEAD_LETTERS_SQL, {"id": job_id})

    async def job_audit(self, job_id: int) -> list[dict[str, Any]]:
        return await self._all(JOB_AUDIT_SQL, {"id": job_id})

    async def dead_letter_groups(self, limit: int) -> list[dict[str, Any]]:
        return await self._all(DEAD_LETTER_GROUPS_SQL, {"limit": limit})

    async def group_entries(self, entity: str, error: str, limit: int) -> list[dict[str, Any]]:
        return await self._all(GROUP_ENTRIES_SQL, {"entity": entity, "error": error, "limit": limit})

    async def closed_dead_letters(self, limit: int) -> list[dict[str, Any]]:
        return await self._all(CLOSED_DEAD_LETTERS_SQL, {"limit": limit})

    async def _all(self, statement: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
        return [dict(row) for row in (await self.session.execute(statement, params)).mappings()]
