"""Monitor benchmark: the cost of one monitor round, rule by rule, on a queue of 1,000,000 rows.

Seeds a throwaway database with N inbox events and their queue jobs (by default 95 % succeeded, 4 %
pending, 0.5 % processing, 0.5 % dead with their dead letters), one processing-log row per job spread
over the last day, 20 workers' heartbeats and 10,000 metric samples; then times each snapshot query
(the rules judge what it returns), a whole `run_once()` and a /metrics read. Each figure is the median
of `--repeat` runs, beside the floor: a `SELECT 1` round trip over the same session.

Usage: .venv/bin/python -m bench.monitor [rows] [--all-pending] [--repeat 7]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench.common import bench_database
from tds.alerts.dispatch import Dispatcher
from tds.alerts.monitor import Monitor
from tds.config import DatabaseSettings, Settings, load_settings
from tds.db.engine import create_engine, create_sessionmaker, plain_dsn
from tds.entities.catalog import ENTITY_NAMES
from tds.insights.metrics import ClusterMetricsReader
from tds.insights.operations import OperationsInsights

# Which rules judge each part of the snapshot.
RULES_OF_PART = {
    "queue": "queue_backlog",
    "oldest_pending": "oldest_pending",
    "attempts": "failure_rate",
    "dead_letters": "dead_letter_growth",
    "sync": "sync_lag",
    "workers": "worker_heartbeat, breakers_open",
    "budget": "zoho_budget",
    "token": "token_refresh",
    "stuck": "stuck_work",
}

SEED_SQL = [
    """INSERT INTO tds.tds_inbox_events (source, entity, entity_id, idempotency_key, content_hash, payload,
                                     status, received_at, processed_at)
       SELECT CASE WHEN g % 5 = 0 THEN 'pull' ELSE 'webhook' END, (ARRAY[{entities}])[1 + g % {n_entities}],
              g::text, 'k' || g, 'h' || g, '{{"name": "thing"}}'::jsonb,
              CASE WHEN g % 100 < :done_pct THEN 'processed' ELSE 'received' END,
              now() - make_interval(secs => (:rows - g) * 86400.0 / :rows),
              CASE WHEN g % 100 < :done_pct
                   THEN now() - make_interval(secs => (:rows - g) * 86400.0 / :rows) END
       FROM generate_series(1, :rows) AS g""",
    """INSERT INTO tds.tds_sync_queue (inbox_event_id, entity, entity_key, status, attempts, run_after,
                                   created_at, updated_at, locked_by, locked_until, finished_at)
       SELECT i.id, i.entity, i.entity || ':' || i.entity_id, s.status,
              CASE WHEN s.status = 'pending' THEN 0 ELSE 1 END,
              i.received_at, i.received_at, i.received_at,
              CASE WHEN s.status = 'processing' THEN 'w' || (i.id % 20) END,
              CASE WHEN s.status = 'processing' THEN now() + interval '1 minute' END,
              CASE WHEN s.status IN ('succeeded', 'dead') THEN i.received_at END
       FROM tds.tds_inbox_events AS i,
            LATERAL (SELECT CASE WHEN i.id % 1000 < :pending_per_mille THEN 'pending'
                                 WHEN i.id % 1000 < :pending_per_mille + 5 THEN 'processing'
                                 WHEN i.id % 1000 < :pending_per_mille + 10 THEN 'dead'
                                 ELSE 'succeeded' END AS status) AS s""",
    """INSERT INTO tds.tds_dead_letter_queue (queue_job_id, inbox_event_id, entity, entity_key, attempts,
                                              error,                                          failed_at)
       SELECT id, inbox_event_id, entity, entity_key, 4, 'DBAPIError: refused', updated_at
       FROM tds.tds_sync_queue WHERE status = 'dead'""",
    """INSERT INTO tds.tds_sync_logs (queue_job_id, inbox_event_id, entity, entity_id, outcome, duration_ms,
                                  created_at)
       SELECT q.id, q.inbox_event_id, q.entity, split_part(q.entity_key, ':', 2),
              CASE WHEN q.id % 50 = 0 THEN 'retry' ELSE 'inserted' END, 3.0, q.updated_at
       FROM tds.tds_sync_queue AS q WHERE q.status IN ('succeeded', 'dead')""",
    """INSERT INTO tds.tds_worker_heartbeats (worker_id, hostname, pid, state, last_seen_at, breakers)
       SELECT 'w' || g, 'host', g, 'running', now() - make_interval(secs => g), '{{}}'::jsonb
       FROM generate_series(1, 20) AS g""",
    """INSERT INTO tds.tds_metrics (name, value, sampled_at)
       SELECT 'queue_pending', g, now() - make_interval(secs => g * 60)
       FROM generate_series(1, 10000) AS g""",
]


async def seed(sessions: async_sessionmaker[AsyncSession], rows: int, all_pending: bool) -> None:
    entities = ", ".join(f"'{name}'" for name in ENTITY_NAMES)
    params = {
        "rows": rows,
        "done_pct": 0 if all_pending else 96,
        "pending_per_mille": 990 if all_pending else 40,
    }
    for sql in SEED_SQL:
        started = time.perf_counter()
        statement = sql.format(entities=entities, n_entities=len(ENTITY_NAMES))
        async with sessions() as session, session.begin():
            await session.execute(text(statement), {k: v for k, v in params.items() if f":{k}" in statement})
        print(f"  seeded {statement.split()[2]} in {time.perf_counter() - started:.1f} s", flush=True)


async def vacuum(url: str) -> None:
    """What autovacuum does to a live table: statistics and the visibility map (index-only scans)."""
    connection = await asyncpg.connect(plain_dsn(url))
    try:
        await connection.execute("VACUUM ANALYZE")
    finally:
        await connection.close()


async def median_ms(work: Callable[[], Awaitable[Any]], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        await work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


async def measure(url: str, settings: Settings, repeat: int) -> None:
    engine = create_engine(url, DatabaseSettings(pool_size=4))
    sessions = create_sessionmaker(engine)
    try:
        async with sessions() as session:
            floor = await median_ms(lambda: session.execute(text("SELECT 1")), repeat * 3)
            insights = OperationsInsights(session, settings)
            print(f"\nfloor: SELECT 1 round trip {floor:.2f} ms")
            print(f"{'part':<16} {'rules':<34} {'median ms':>10} {'x floor':>8}")
            for name, read in insights.parts.items():
                ms = await median_ms(read, repeat)
                flag = "" if ms < 50 else "  OVER 50 ms"
                print(f"{name:<16} {RULES_OF_PART[name]:<34} {ms:>10.2f} {ms / floor:>8.1f}{flag}")
        monitor = Monitor(engine, sessions, settings, Dispatcher([], []))
        whole = await median_ms(monitor.run_once, repeat)
        print(f"{'run_once()':<16} {'all rules + alerts + samples':<34} {whole:>10.2f} {whole / floor:>8.1f}")
        reader = ClusterMetricsReader(settings)
        async with sessions() as session:
            first = await median_ms(lambda: reader.read(session), 1)
            later = await median_ms(lambda: reader.read(session), repeat)
        print(
            f"{'/metrics read':<16} {'first scrape (all history)':<34} {first:>10.2f} {first / floor:>8.1f}"
        )
        print(f"{'/metrics read':<16} {'later scrapes':<34} {later:>10.2f} {later / floor:>8.1f}")
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("rows", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--all-pending", action="store_true", help="a backlog: 99 % of the queue pending")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    settings = load_settings(environment="test", monitor={"sync_lag_entities": list(ENTITY_NAMES)})
    with bench_database() as url:
        print(f"seeding {args.rows:,} queue rows{' (all pending)' if args.all_pending else ''}", flush=True)

        async def run() -> None:
            engine = create_engine(url, DatabaseSettings(statement_timeout_ms=0))
            try:
                await seed(create_sessionmaker(engine), args.rows, args.all_pending)
            finally:
                await engine.dispose()
            await vacuum(url)
            await measure(url, settings, args.repeat)

        asyncio.run(run())


if __name__ == "__main__":
    main()
