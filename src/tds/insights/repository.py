"""SQL of the operational read side: queue depth and age, attempts, dead letters, sync times, workers.

Each query is shaped for an index, so that a monitor round stays cheap on a queue of millions of rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tds.db.schema import tds_text

# Jobs pending, processing and dead, each count stopping at :cap. The statuses are written out so
# that each count reads its own partial index (pending: the claim's, processing: the lease's).
QUEUE_DEPTH_SQL = tds_text("""
SELECT (SELECT count(*) FROM (SELECT 1 FROM tds.tds_sync_queue WHERE status = 'pending' LIMIT :cap) AS p),
       (SELECT count(*) FROM (SELECT 1 FROM tds.tds_sync_queue WHERE status = 'processing' LIMIT :cap) AS r),
       (SELECT count(*) FROM (SELECT 1 FROM tds.tds_sync_queue WHERE status = 'dead' LIMIT :cap) AS d)
""")
DEPTH_STATUSES = ("pending", "processing", "dead")

# The age of the oldest job ready to run (the partial index on pending jobs' created_at).
OLDEST_READY_SQL = tds_text("""
SELECT EXTRACT(EPOCH FROM now() - created_at) FROM tds.tds_sync_queue
WHERE status = 'pending' AND run_after <= now() ORDER BY created_at LIMIT 1
""")

# Finished attempts in the window and how many of them failed (a retry or a dead letter).
ATTEMPTS_SQL = tds_text("""
SELECT count(*) FILTER (WHERE outcome <> 'deferred'), count(*) FILTER (WHERE outcome IN ('retry', 'dead'))
FROM tds.tds_sync_logs WHERE created_at >= now() - make_interval(secs => :window_s)
""")

# Attempts in the window by entity and outcome (for /metrics).
ATTEMPTS_BY_ENTITY_SQL = tds_text("""
SELECT entity, outcome, count(*) FROM tds.tds_sync_logs
WHERE created_at >= now() - make_interval(secs => :window_s) GROUP BY entity, outcome
""")

# Open dead letters, and those of them that arrived within the window.
DEAD_LETTERS_SQL = tds_text("""
SELECT count(*) FILTER (WHERE failed_at >= now() - make_interval(secs => :window_s)), count(*)
FROM tds.tds_dead_letter_queue WHERE resolved_at IS NULL
""")

# Per entity: the last accepted delivery (webhook or pulled record) and the last successful pull run.
LAST_SUCCESS_SQL = tds_text("""
SELECT e.entity, GREATEST(
    (SELECT max(i.received_at) FROM tds.tds_inbox_events AS i
     WHERE i.entity = e.entity AND i.status <> 'rejected'),
    (SELECT max(r.finished_at) FROM tds.tds_sync_runs AS r
     WHERE r.entity = e.entity AND r.status = 'succeeded'))
FROM unnest(CAST(:entities AS text[])) AS e(entity)
""")

# Workers heard from within the horizon, with the breakers they last reported.
WORKERS_SQL = tds_text("""
SELECT worker_id, hostname, state, last_seen_at, breakers FROM tds.tds_worker_heartbeats
WHERE last_seen_at >= now() - make_interval(secs => :horizon_s) ORDER BY worker_id
""")

# Inbox -> ERP latency of the events applied within the window (their log row is written with the ERP
# change), as cumulative counts per upper bound, plus the count and the sum of seconds.
LATENCY_BUCKETS_SQL = tds_text("""
WITH recent AS (
    SELECT EXTRACT(EPOCH FROM l.created_at - i.received_at) AS s
    FROM tds.tds_sync_logs AS l JOIN tds.tds_inbox_events AS i ON i.id = l.inbox_event_id
    WHERE l.created_at >= now() - make_interval(secs => :window_s)
      AND l.outcome IN ('inserted', 'updated', 'deleted', 'unchanged', 'stale')
)
SELECT b.le, (SELECT count(*) FROM recent WHERE recent.s <= b.le), (SELECT count(*) FROM recent),
       (SELECT COALESCE(sum(recent.s), 0) FROM recent)
FROM unnest(CAST(:bounds AS float8[])) AS b(le) ORDER BY b.le
""")

# Pull totals over all runs, by entity (runs are few: one per entity per interval).
PULL_TOTALS_SQL = tds_text("""
SELECT entity, COALESCE(sum(records), 0), COALESCE(sum(pages), 0), count(*) FILTER (WHERE status = 'failed')
FROM tds.tds_sync_runs GROUP BY entity
""")

# Log rows per entity and outcome created in [:since, :until) (the /metrics counters advance by this).
LOG_COUNTS_SQL = tds_text("""
SELECT entity, outcome, count(*) FROM tds.tds_sync_logs
WHERE created_at >= :since AND created_at < :until GROUP BY entity, outcome
""")

# Inbox events per source and entity received in [:since, :until).
INBOX_COUNTS_SQL = tds_text("""
SELECT source, COALESCE(entity, ''), count(*) FROM tds.tds_inbox_events
WHERE received_at >= :since AND received_at < :until GROUP BY source, entity
""")

# Worker rows by state, with each worker's own job counters (for per-worker counters).
WORKER_COUNTERS_SQL = tds_text("""
SELECT worker_id, state, processed, failed, breakers,
       last_seen_at >= now() - make_interval(secs => :live_s) AS live
FROM tds.tds_worker_heartbeats WHERE last_seen_at >= now() - make_interval(secs => :horizon_s)
""")

# When the last incremental pull succeeded, and when the monitor last wrote a snapshot.
LAST_ROUNDS_SQL = tds_text("""
SELECT (SELECT max(finished_at) FROM tds.tds_sync_runs WHERE mode = 'incremental' AND status = 'succeeded'),
       (SELECT max(sampled_at) FROM tds.tds_metrics)
""")

NOW_SQL = tds_text("SELECT now()")


@dataclass(frozen=True)
class LatencyBuckets:
    """Cumulative counts per upper bound, the total count and the sum of seconds."""

    buckets: list[tuple[float, int]]
    count: int
    sum_s: float


class OperationsRepository:
    """Read-only operational queries inside the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def now(self) -> datetime:
        moment: datetime = (await self.session.execute(NOW_SQL)).scalar_one()
        return moment

    async def queue_depth(self, cap: int) -> dict[str, int]:
        """Jobs pending, processing and dead (each counted up to `cap`)."""
        counts = (await self.session.execute(QUEUE_DEPTH_SQL, {"cap": cap})).one()
        return {status: int(n) for status, n in zip(DEPTH_STATUSES, counts, strict=True)}

    async def oldest_ready_age_s(self) -> float | None:
        age = (await self.session.execute(OLDEST_READY_SQL)).scalar_one_or_none()
        return None if age is None else float(age)

    async def attempts(self, window_s: float) -> tuple[int, int]:
        finished, failed = (await self.session.execute(ATTEMPTS_SQL, {"window_s": window_s})).one()
        return int(finished), int(failed)

    async def attempts_by_entity(self, window_s: float) -> list[tuple[str, str, int]]:
        rows = await self.session.execute(ATTEMPTS_BY_ENTITY_SQL, {"window_s": window_s})
        return [(str(e), str(o), int(n)) for e, o, n in rows]

    async def dead_letters(self, window_s: float) -> tuple[int, int]:
        new, open_ = (await self.session.execute(DEAD_LETTERS_SQL, {"window_s": window_s})).one()
        return int(new), int(open_)

    async def last_success(self, entities: Sequence[str]) -> dict[str, datetime | None]:
        rows = await self.session.execute(LAST_SUCCESS_SQL, {"entities": list(entities)})
        return {str(entity): at for entity, at in rows}

    async def workers(self, horizon_s: float) -> list[dict[str, Any]]:
        rows = await self.session.execute(WORKERS_SQL, {"horizon_s": horizon_s})
        return [dict(row) for row in rows.mappings()]

    async def latency(self, window_s: float, bounds: Sequence[float]) -> LatencyBuckets:
        params = {"window_s": window_s, "bounds": list(bounds)}
        rows = (await self.session.execute(LATENCY_BUCKETS_SQL, params)).all()
        count = int(rows[0][2]) if rows else 0
        total = float(rows[0][3]) if rows else 0.0
        return LatencyBuckets([(float(le), int(n)) for le, n, _, _ in rows], count, total)

    async def log_counts(self, since: datetime, until: datetime) -> list[tuple[str, str, int]]:
        rows = await self.session.execute(LOG_COUNTS_SQL, {"since": since, "until": until})
        return [(str(e), str(o), int(n)) for e, o, n in rows]

    async def inbox_counts(self, since: datetime, until: datetime) -> list[tuple[str, str, int]]:
        rows = await self.session.execute(INBOX_COUNTS_SQL, {"since": since, "until": until})
        return [(str(s), str(e), int(n)) for s, e, n in rows]

    async def worker_counters(self, live_s: float, horizon_s: float) -> list[dict[str, Any]]:
        rows = await self.session.execute(WORKER_COUNTERS_SQL, {"live_s": live_s, "horizon_s": horizon_s})
        return [dict(row) for row in rows.mappings()]

    async def last_rounds(self) -> tuple[datetime | None, datetime | None]:
        pulled, sampled = (await self.session.execute(LAST_ROUNDS_SQL)).one()
        return pulled, sampled

    async def pull_totals(self) -> list[tuple[str, int, int, int]]:
        rows = await self.session.execute(PULL_TOTALS_SQL)
        return [(str(e), int(r), int(p), int(f)) for e, r, p, f in rows]
