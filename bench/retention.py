"""Retention benchmark: the monitor's removal of finished work on a big inbox, batch by batch.

Seeds N inbox events, each with a succeeded job and two log rows, half of them older than the
retention period, then times one retention pass at a time (`RetentionRepository.prune`, as the
monitor runs it once a round) until nothing old is left, and once more on what stays (nothing to do).

Usage: .venv/bin/python -m bench.retention [events] [batch]
"""

from __future__ import annotations

import asyncio
import sys
import time

import asyncpg

from bench.common import bench_database
from tds.db.engine import create_engine, create_sessionmaker, plain_dsn, transaction
from tds.retention.repository import RetentionRepository

SEED = """
WITH events AS (
    INSERT INTO tds.tds_inbox_events (source, entity, entity_id, action, idempotency_key, content_hash,
                                      payload, received_at, status, processed_at)
    SELECT 'webhook', 'item', g::text, 'upsert', 'k' || g, 'h', '{"item_id": "1", "name": "thing"}',
           now() - make_interval(days => CASE WHEN g % 2 = 0 THEN 40 ELSE 1 END), 'processed', now()
    FROM generate_series(1, $1) AS g
    RETURNING id, entity, entity_id
), jobs AS (
    INSERT INTO tds.tds_sync_queue (inbox_event_id, entity, entity_key, status, attempts, max_attempts)
    SELECT id, entity, entity || ':' || entity_id, 'succeeded', 1, 4 FROM events
    RETURNING id, inbox_event_id, entity
)
INSERT INTO tds.tds_sync_logs (queue_job_id, inbox_event_id, entity, outcome, duration_ms)
SELECT id, inbox_event_id, entity, outcome, 1.0 FROM jobs, unnest(ARRAY['updated', 'unchanged']) AS outcome
"""


async def main(url: str, events: int, batch: int) -> None:
    conn = await asyncpg.connect(plain_dsn(url))
    started = time.perf_counter()
    await conn.execute(SEED, events)
    await conn.execute("ANALYZE")
    print(
        f"seeded {events:,} events, jobs and {2 * events:,} log rows in {time.perf_counter() - started:.1f} s"
    )
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    passes: list[float] = []
    removed = 0
    try:
        while True:
            started = time.perf_counter()
            async with transaction(sessions) as session:
                done = await RetentionRepository(session).prune(30.0, 0.0, batch)
            passes.append(time.perf_counter() - started)
            removed += done.events
            if done.events == 0:
                break
        left = await conn.fetchval("SELECT count(*) FROM tds.tds_inbox_events")
        logs = await conn.fetchval("SELECT count(*) FROM tds.tds_sync_logs")
    finally:
        await engine.dispose()
        await conn.close()
    busy = sorted(passes[:-1])
    print(
        f"removed {removed:,} events (with jobs and logs) in {len(busy)} passes of {batch:,}: "
        f"median {busy[len(busy) // 2] * 1000:,.0f} ms, max {busy[-1] * 1000:,.0f} ms a pass, "
        f"{removed / sum(busy):,.0f} events/s"
    )
    print(
        f"a pass with nothing old left: {passes[-1] * 1000:,.1f} ms; kept {left:,} events, {logs:,} log rows"
    )


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
    with bench_database() as database_url:
        asyncio.run(main(database_url, count, size))
