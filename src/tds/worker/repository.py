"""Worker SQL: the processing log (set-based) and the worker heartbeat rows."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from tds.db.schema import tds_text


@dataclass(frozen=True)
class SyncLogEntry:
    """What one attempt of one job came to (an Outcome value, `retry`, `dead` or `deferred`)."""

    job_id: int
    inbox_event_id: int
    entity: str
    entity_id: str | None
    outcome: str
    duration_ms: float | None = None
    message: str | None = None


@dataclass(frozen=True)
class WorkerBeat:
    """A worker's state as its heartbeat row records it."""

    worker_id: str
    hostname: str
    pid: int
    state: str
    in_flight: int
    processed: int
    failed: int
    breakers: dict[str, str] = field(default_factory=dict)  # entity -> state, only those not closed


@dataclass(frozen=True)
class WorkerRow:
    """A heartbeat row as read back (for stats)."""

    worker_id: str
    hostname: str
    pid: int
    started_at: datetime
    last_seen_at: datetime
    state: str
    in_flight: int
    processed: int
    failed: int


# Writes one log row per job for a whole batch in one statement.
INSERT_LOGS_SQL = tds_text("""
INSERT INTO tds.tds_sync_logs (queue_job_id, inbox_event_id, entity, entity_id, outcome, message, duration_ms,
                           worker_id)
SELECT l.job_id, l.inbox_event_id, l.entity, l.entity_id, l.outcome, l.message, l.duration_ms, :worker_id
FROM unnest(CAST(:job_ids AS bigint[]), CAST(:inbox_ids AS bigint[]), CAST(:entities AS text[]),
            CAST(:entity_ids AS text[]), CAST(:outcomes AS text[]), CAST(:messages AS text[]),
            CAST(:durations_ms AS float8[]))
     AS l(job_id, inbox_event_id, entity, entity_id, outcome, message, duration_ms)
""")

# Creates or refreshes a worker's heartbeat row; a (re)starting worker also resets started_at.
UPSERT_HEARTBEAT_SQL = tds_text("""
INSERT INTO tds.tds_worker_heartbeats
    (worker_id, hostname, pid, state, in_flight, processed, failed, breakers)
VALUES (:worker_id, :hostname, :pid, :state, :in_flight, :processed, :failed, CAST(:breakers AS jsonb))
ON CONFLICT (worker_id) DO UPDATE
SET hostname = EXCLUDED.hostname, pid = EXCLUDED.pid, state = EXCLUDED.state,
    in_flight = EXCLUDED.in_flight, processed = EXCLUDED.processed, failed = EXCLUDED.failed,
    breakers = EXCLUDED.breakers,
    last_seen_at = now(),
    started_at = CASE WHEN :starting THEN now() ELSE tds_worker_heartbeats.started_at END
""")

# Every worker that ever reported, most recently seen first.
LIST_WORKERS_SQL = tds_text("""
SELECT worker_id, hostname, pid, started_at, last_seen_at, state, in_flight, processed, failed
FROM tds.tds_worker_heartbeats ORDER BY last_seen_at DESC
""")


# Whether the database answers at all (told apart from a handler's own connection failure).
PING_SQL = tds_text("SELECT 1")


class WorkerRepository:
    """The processing log and the heartbeats, through one session; the caller owns the transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_logs(self, worker_id: str, entries: Sequence[SyncLogEntry]) -> None:
        if not entries:
            return
        params = {
            "worker_id": worker_id,
            "job_ids": [e.job_id for e in entries],
            "inbox_ids": [e.inbox_event_id for e in entries],
            "entities": [e.entity for e in entries],
            "entity_ids": [e.entity_id for e in entries],
            "outcomes": [e.outcome for e in entries],
            "messages": [e.message for e in entries],
            "durations_ms": [e.duration_ms for e in entries],
        }
        await self.session.execute(INSERT_LOGS_SQL, params)

    async def ping(self) -> None:
        await self.session.execute(PING_SQL)

    async def beat(self, beat: WorkerBeat, *, starting: bool = False) -> None:
        params = {**asdict(beat), "breakers": json.dumps(beat.breakers), "starting": starting}
        await self.session.execute(UPSERT_HEARTBEAT_SQL, params)

    async def list_workers(self) -> list[WorkerRow]:
        rows = await self.session.execute(LIST_WORKERS_SQL)
        return [WorkerRow(*row) for row in rows]
