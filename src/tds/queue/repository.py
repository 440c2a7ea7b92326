"""The workers' queue SQL: claim, complete, reschedule, dead-letter, release, leases, recovery.

The operator's side (replay, dead-letter views, counts) is operator_repository.py.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from tds.db.schema import tds_text
from tds.queue.jobs import (
    ClaimedJob,
    Completion,
    DeadLetterRequest,
    Recovery,
    Reschedule,
)

log = logging.getLogger(__name__)

# Claims up to :batch_size ready jobs in one statement. A job waits while an earlier job of its record
# is pending or another job of its record is processing: one record never runs twice at once, in order.
CLAIM_SQL = tds_text("""
WITH ready AS (
    SELECT q.id FROM tds.tds_sync_queue AS q
    WHERE q.status = 'pending' AND q.run_after <= now()
      AND NOT EXISTS (
          SELECT 1 FROM tds.tds_sync_queue AS e
          WHERE e.entity_key = q.entity_key AND e.id <> q.id
            AND e.status IN ('pending', 'processing')
            AND (e.status = 'processing' OR e.id < q.id))
    ORDER BY q.priority DESC, q.run_after, q.id
    LIMIT :batch_size
    FOR UPDATE OF q SKIP LOCKED
), claimed AS (
    UPDATE tds.tds_sync_queue AS q
    SET status = 'processing', locked_by = :worker_id, attempts = q.attempts + 1, updated_at = now(),
        locked_until = now() + make_interval(secs => :lease_s)
    FROM ready WHERE q.id = ready.id
    RETURNING q.id, q.inbox_event_id, q.entity, q.entity_key, q.attempts, q.max_attempts
)
SELECT c.id AS job_id, c.inbox_event_id, c.entity, c.entity_key, c.attempts, c.max_attempts,
       i.entity_id, i.action, CAST(i.payload AS text) AS payload, i.source, i.source_modified_at
FROM claimed AS c JOIN tds.tds_inbox_events AS i ON i.id = c.inbox_event_id
ORDER BY c.id
""")

# The claim transaction's settings. The ready index is walked in claim order even when the table's
# statistics are stale (right after a burst they say "few pending", and a bitmap scan would then visit
# every ready job and sort them, per claim); and the claim does not wait for the WAL flush, because a
# claim lost in a server crash only leaves its jobs pending.
CLAIM_TRIES = 3
UNIQUE_VIOLATION = "23505"
CLAIM_SETTINGS_SQL = tds_text(
    "SELECT set_config('enable_bitmapscan', 'off', true), set_config('synchronous_commit', 'off', true)"
)

# Finishes jobs this worker still holds, stamps their inbox events and writes one log row per job, in
# one statement inside the handler's transaction. The ids also filter by primary key (= ANY) so that
# the planner need not scan every job in processing.
COMPLETE_SQL = tds_text("""
WITH done AS (
    UPDATE tds.tds_sync_queue AS q
    SET status = d.status, finished_at = now(), updated_at = now(), locked_until = NULL, last_error = NULL
    FROM unnest(CAST(:job_ids AS bigint[]), CAST(:statuses AS text[]), CAST(:outcomes AS text[]),
                CAST(:durations_ms AS float8[])) AS d(id, status, outcome, duration_ms)
    WHERE q.id = d.id AND q.id = ANY(CAST(:job_ids AS bigint[]))
      AND q.status = 'processing' AND q.locked_by = :worker_id
    RETURNING q.id, q.inbox_event_id, q.entity, d.status, d.outcome, d.duration_ms
), stamped AS (
    UPDATE tds.tds_inbox_events AS i
    SET status = CASE done.status WHEN 'skipped' THEN 'skipped' ELSE 'processed' END,
        processed_at = now(), error = NULL
    FROM done WHERE i.id = done.inbox_event_id
    RETURNING i.id, i.entity_id
), logged AS (
    INSERT INTO tds.tds_sync_logs (queue_job_id, inbox_event_id, entity, entity_id, outcome, duration_ms,
                               worker_id)
    SELECT done.id, done.inbox_event_id, done.entity, stamped.entity_id, done.outcome,
           done.duration_ms, :worker_id
    FROM done JOIN stamped ON stamped.id = done.inbox_event_id
)
SELECT count(*) FROM done
""")

# Puts failed attempts this worker holds back to pending, each after its own delay.
RESCHEDULE_SQL = tds_text("""
UPDATE tds.tds_sync_queue AS q
SET status = 'pending', run_after = now() + make_interval(secs => r.delay_s), last_error = r.error,
    locked_by = NULL, locked_until = NULL, updated_at = now()
FROM unnest(CAST(:job_ids AS bigint[]), CAST(:delays_s AS float8[]), CAST(:errors AS text[]))
     AS r(id, delay_s, error)
WHERE q.id = r.id AND q.status = 'processing' AND q.locked_by = :worker_id
""")

_DEAD_LETTER_TAIL = """
), letters AS (
    INSERT INTO tds.tds_dead_letter_queue (queue_job_id, inbox_event_id, entity, entity_key, attempts, error,
                                       traceback, verdict)
    SELECT id, inbox_event_id, entity, entity_key, attempts, error, tb, verdict FROM dead
), failed AS (
    UPDATE tds.tds_inbox_events AS i SET status = 'failed', error = dead.error
    FROM dead WHERE i.id = dead.inbox_event_id
)
SELECT count(*) FROM dead
"""

# Moves jobs this worker holds to the dead-letter queue with error and traceback; their inbox events fail.
DEAD_LETTER_SQL = tds_text(
    """
WITH dead AS (
    UPDATE tds.tds_sync_queue AS q
    SET status = 'dead', finished_at = now(), updated_at = now(), locked_until = NULL, last_error = f.error
    FROM unnest(CAST(:job_ids AS bigint[]), CAST(:errors AS text[]), CAST(:tracebacks AS text[]),
                CAST(:verdicts AS text[])) AS f(id, error, tb, verdict)
    WHERE q.id = f.id AND q.status = 'processing' AND q.locked_by = :worker_id
    RETURNING q.id, q.inbox_event_id, q.entity, q.entity_key, q.attempts, f.error, f.tb, f.verdict"""
    + _DEAD_LETTER_TAIL
)

# Dead-letters expired leases that were already on their last attempt (a job that keeps killing workers).
EXPIRE_LAST_ATTEMPTS_SQL = tds_text(
    """
WITH dead AS (
    UPDATE tds.tds_sync_queue AS q
    SET status = 'dead', finished_at = now(), updated_at = now(), locked_until = NULL,
        last_error = 'lease expired on the last attempt'
    WHERE q.id IN (SELECT id FROM tds.tds_sync_queue
                   WHERE status = 'processing' AND locked_until < now() AND attempts >= max_attempts
                   FOR UPDATE SKIP LOCKED)
    RETURNING q.id, q.inbox_event_id, q.entity, q.entity_key, q.attempts, q.last_error AS error,
              CAST(NULL AS text) AS tb, CAST('unknown' AS text) AS verdict"""
    + _DEAD_LETTER_TAIL
)

# Returns jobs whose lease ran out (their worker died or hung) to pending, to run again anywhere.
# Rows locked right now belong to a transaction finishing them: skip those rather than wait (no deadlock).
RECOVER_EXPIRED_SQL = tds_text("""
UPDATE tds.tds_sync_queue
SET status = 'pending', locked_by = NULL, locked_until = NULL, run_after = now(), updated_at = now(),
    last_error = 'lease expired'
WHERE id IN (SELECT id FROM tds.tds_sync_queue
             WHERE status = 'processing' AND locked_until < now() AND attempts < max_attempts
             FOR UPDATE SKIP LOCKED)
""")

# Hands claimed jobs back unrun (breaker open, shutdown), giving back the attempt the claim took.
RELEASE_SQL = tds_text("""
UPDATE tds.tds_sync_queue
SET status = 'pending', attempts = GREATEST(attempts - 1, 0), locked_by = NULL, locked_until = NULL,
    run_after = now() + make_interval(secs => :delay_s), updated_at = now()
WHERE id = ANY(CAST(:job_ids AS bigint[])) AND status = 'processing' AND locked_by = :worker_id
""")

# Hands back everything a stopping worker still holds, unrun.
RELEASE_WORKER_SQL = tds_text("""
UPDATE tds.tds_sync_queue
SET status = 'pending', attempts = GREATEST(attempts - 1, 0), locked_by = NULL, locked_until = NULL,
    run_after = now(), updated_at = now()
WHERE status = 'processing' AND locked_by = :worker_id
""")

# Extends the lease of jobs a worker is still running (the lease heartbeat). Rows the batch's own
# transaction has locked are being finished; skipping them avoids a deadlock with that transaction.
EXTEND_LEASES_SQL = tds_text("""
UPDATE tds.tds_sync_queue SET locked_until = now() + make_interval(secs => :lease_s)
WHERE id IN (SELECT id FROM tds.tds_sync_queue
             WHERE id = ANY(CAST(:job_ids AS bigint[])) AND status = 'processing' AND locked_by = :worker_id
             FOR UPDATE SKIP LOCKED)
""")


class QueueRepository:
    """The queue tables, through one session; the caller owns the transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(self, worker_id: str, batch_size: int, lease_s: float) -> list[ClaimedJob]:
        """Claims a batch; call it in a transaction of its own (it tunes that transaction's settings).

        Two claims can race for two jobs of one record when intake transactions commit out of id
        order; the unique index on processing jobs refuses the loser, whose savepoint is rolled back
        and whose next try sees the winner's job in processing and leaves the record alone.
        """
        await self.session.execute(CLAIM_SETTINGS_SQL)
        params = {"worker_id": worker_id, "batch_size": batch_size, "lease_s": float(lease_s)}
        for _ in range(CLAIM_TRIES - 1):
            try:
                async with self.session.begin_nested():
                    rows = await self.session.execute(CLAIM_SQL, params)
                    return [_claimed(row) for row in rows.mappings()]
            except IntegrityError as exc:
                if getattr(exc.orig, "sqlstate", None) != UNIQUE_VIOLATION:
                    raise
                log.info("claim collided with another worker's claim of the same record; claiming again")
        rows = await self.session.execute(CLAIM_SQL, params)
        return [_claimed(row) for row in rows.mappings()]

    async def complete(self, worker_id: str, done: Sequence[Completion]) -> int:
        params: dict[str, Any] = {"worker_id": worker_id, "job_ids": [d.job_id for d in done]}
        params.update(statuses=[d.status for d in done], outcomes=[d.outcome for d in done])
        params["durations_ms"] = [d.duration_ms for d in done]
        return await self._count(COMPLETE_SQL, params)

    async def reschedule(self, worker_id: str, items: Sequence[Reschedule]) -> int:
        params: dict[str, Any] = {"worker_id": worker_id, "job_ids": [r.job_id for r in items]}
        params.update(delays_s=[float(r.delay_s) for r in items], errors=[r.error for r in items])
        return await self._rowcount(RESCHEDULE_SQL, params)

    async def dead_letter(self, worker_id: str, items: Sequence[DeadLetterRequest]) -> int:
        params: dict[str, Any] = {"worker_id": worker_id, "job_ids": [d.job_id for d in items]}
        params.update(errors=[d.error for d in items], tracebacks=[d.traceback for d in items])
        params["verdicts"] = [d.verdict for d in items]
        return await self._count(DEAD_LETTER_SQL, params)

    async def release(self, worker_id: str, job_ids: Sequence[int], delay_s: float = 0.0) -> int:
        params = {"worker_id": worker_id, "job_ids": list(job_ids), "delay_s": float(delay_s)}
        return await self._rowcount(RELEASE_SQL, params)

    async def release_worker(self, worker_id: str) -> int:
        return await self._rowcount(RELEASE_WORKER_SQL, {"worker_id": worker_id})

    async def extend_leases(self, worker_id: str, job_ids: Sequence[int], lease_s: float) -> int:
        params = {"worker_id": worker_id, "job_ids": list(job_ids), "lease_s": float(lease_s)}
        return await self._rowcount(EXTEND_LEASES_SQL, params)

    async def recover_expired(self) -> Recovery:
        dead = await self._count(EXPIRE_LAST_ATTEMPTS_SQL, {})
        requeued = await self._rowcount(RECOVER_EXPIRED_SQL, {})
        return Recovery(requeued=requeued, dead_lettered=dead)

    async def _count(self, statement: Any, params: dict[str, Any]) -> int:
        return int(await self.session.scalar(statement, params) or 0)

    async def _rowcount(self, statement: Any, params: dict[str, Any]) -> int:
        result = await self.session.execute(statement, params)
        return int(result.rowcount)  # type: ignore[attr-defined]


def _claimed(row: RowMapping) -> ClaimedJob:
    """A claim row as a ClaimedJob; the payload comes as JSON text (orjson parses it fastest)."""
    payload = orjson.loads(row["payload"]) if row["payload"] is not None else None
    return ClaimedJob(**{**row, "payload": payload})
