"""SQL behind the overview: queue counts, end-to-end latency, metric series, the scheduler's lock."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tds.db.schema import tds_text

# Job counts per status: every job still to run or that needs attention (pending, processing, dead,
# cancelled), and the jobs that finished well (succeeded, skipped) in the last :finished_s seconds only.
# Both are index-only range scans (ix_tds_sync_queue_status_id, _status_updated); counting every
# succeeded job ever would read the whole table (~150 ms at a million rows).
STATUS_COUNTS_SQL = tds_text("""
SELECT status, count(*) FROM tds.tds_sync_queue
WHERE status IN ('pending', 'processing', 'dead', 'cancelled') GROUP BY status
UNION ALL
SELECT status, count(*) FROM tds.tds_sync_queue
WHERE status IN ('succeeded', 'skipped') AND updated_at >= now() - make_interval(secs => :finished_s)
GROUP BY status
""")

# Percentiles of webhook/pull-to-ERP time (ms) for events received in the window and processed since.
LATENCY_SQL = tds_text("""
SELECT percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (
           ORDER BY EXTRACT(EPOCH FROM processed_at - received_at) * 1000),
       count(*)
FROM tds.tds_inbox_events
WHERE received_at >= now() - make_interval(secs => :window_s) AND processed_at IS NOT NULL
""")

# The distinct metric names sampled in the window: a loose index scan over ix_tds_metrics_name_sampled,
# one index probe per name instead of a scan of every sample.
METRIC_NAMES_SQL = tds_text("""
WITH RECURSIVE names(name) AS (
    (SELECT name FROM tds.tds_metrics ORDER BY name LIMIT 1)
    UNION ALL
    SELECT (SELECT m.name FROM tds.tds_metrics AS m WHERE m.name > names.name ORDER BY m.name LIMIT 1)
    FROM names WHERE names.name IS NOT NULL
)
SELECT name FROM names
WHERE name IS NOT NULL
  AND EXISTS (SELECT 1 FROM tds.tds_metrics AS m
              WHERE m.name = names.name AND m.sampled_at >= now() - make_interval(secs => :window_s))
LIMIT :max_names
""")

# The named metrics' samples in the window, averaged per time bucket and label set, then combined over
# label sets: summed (a gauge per entity becomes one total line), except durations (names ending in _s
# or _ms, such as sync_lag_s per entity), whose worst value is the one to see.
METRIC_SERIES_SQL = tds_text("""
SELECT name, bucket, CASE WHEN name ~ '_m?s$' THEN max(value) ELSE sum(value) END FROM (
    SELECT name, date_bin(make_interval(secs => :bucket_s), sampled_at, TIMESTAMPTZ '2000-01-01 00:00Z')
               AS bucket,
           labels, avg(value) AS value
    FROM tds.tds_metrics
    WHERE name = ANY(CAST(:names AS text[])) AND sampled_at >= now() - make_interval(secs => :window_s)
    GROUP BY 1, 2, 3
) AS per_labels
GROUP BY name, bucket ORDER BY name, bucket
""")

# Whether some process holds the pull scheduler's advisory lock (a bigint key: high and low 32 bits).
SCHEDULER_HELD_SQL = tds_text("""
SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1
                 AND classid = CAST(:key AS bigint) >> 32 AND objid = CAST(:key AS bigint) & 4294967295),
       (SELECT max(started_at) FROM tds.tds_sync_runs WHERE mode = 'incremental')
""")

PING_SQL = tds_text("SELECT 1")


class OverviewRepository:
    """Read-only overview queries, through one session."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def ping(self) -> None:
        await self.session.execute(PING_SQL)

    async def status_counts(self, finished_s: float) -> dict[str, int]:
        rows = await self.session.execute(STATUS_COUNTS_SQL, {"finished_s": finished_s})
        return {status: int(n) for status, n in rows}

    async def latency_ms(self, window_s: float) -> tuple[list[float] | None, int]:
        percentiles, samples = (await self.session.execute(LATENCY_SQL, {"window_s": window_s})).one()
        return (None if percentiles is None else [float(p) for p in percentiles]), int(samples)

    async def metric_names(self, window_s: float, max_names: int) -> list[str]:
        params = {"window_s": window_s, "max_names": max_names}
        return [row[0] for row in await self.session.execute(METRIC_NAMES_SQL, params)]

    async def metric_series(
        self, names: list[str], window_s: float, bucket_s: float
    ) -> dict[str, list[tuple[datetime, float]]]:
        params = {"names": names, "window_s": window_s, "bucket_s": bucket_s}
        series: dict[str, list[tuple[datetime, float]]] = {name: [] for name in names}
        for name, bucket, value in await self.session.execute(METRIC_SERIES_SQL, params):
            series[name].append((bucket, float(value)))
        return series

    async def scheduler(self, lock_key: int) -> tuple[bool, Any]:
        held, last_run = (await self.session.execute(SCHEDULER_HELD_SQL, {"key": lock_key})).one()
        return bool(held), last_run
