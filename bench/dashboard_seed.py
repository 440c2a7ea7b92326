"""Seeds a database like a busy installation for the dashboard benchmark: 1,000,000 queued jobs and more.

Everything is written by INSERT ... SELECT over generate_series, one statement per table, then VACUUM
ANALYZE (what autovacuum would have done on a live system): about a minute on a 2-core machine.
"""

from __future__ import annotations

import time

import asyncpg

ENTITIES = (
    "ARRAY['item','contact','invoice','bill','creditnote','salesorder','customerpayment',"
    "'vendorpayment','pricebook','inventory_adjustment','warehouse','user']"
)
ERRORS = (
    "ARRAY['KeyError: ''name''', 'DBAPIError: erp refused product', 'ZohoServerError: 503', "
    "'PermanentHandlerError: unknown tax id', 'TimeoutError']"
)

# One inbox event per job, spread evenly over the last 7 days. The newest 1 % are still received (their
# jobs pending, a backlog of some 100 minutes); of the rest 96 % were processed, 3 % skipped, 1 % failed
# (dead-lettered). Payloads are small Zoho-like records.
INBOX_SQL = f"""
INSERT INTO tds.tds_inbox_events (id, source, entity, entity_id, action, idempotency_key, content_hash,
                                  payload, received_at, processed_at, status, source_modified_at)
SELECT g, CASE WHEN g % 4 = 0 THEN 'pull' ELSE 'webhook' END, ({ENTITIES})[1 + g % 12],
       (100000000 + g)::text, 'upsert', md5(g::text), md5(g::text),
       jsonb_build_object('name', 'record ' || g, 'rate', g % 1000, 'status', 'active'),
       now() - make_interval(secs => ($1 - g) * 0.6048),
       CASE WHEN g <= $1 * 0.99
            THEN now() - make_interval(secs => ($1 - g) * 0.6048 - 0.005 - (g % 97) / 1000.0) END,
       CASE WHEN g > $1 * 0.99 THEN 'received' WHEN g % 100 < 96 THEN 'processed'
            WHEN g % 100 < 99 THEN 'skipped' ELSE 'failed' END,
       now() - make_interval(secs => ($1 - g) * 0.6048 + 60)
FROM generate_series(1, $1) AS g
"""

QUEUE_SQL = """
INSERT INTO tds.tds_sync_queue (id, inbox_event_id, entity, entity_key, status, attempts, max_attempts,
                            run_after, created_at, updated_at, finished_at, last_error)
SELECT i.id, i.id, i.entity, i.entity || ':' || i.entity_id,
       CASE i.status WHEN 'processed' THEN 'succeeded' WHEN 'skipped' THEN 'skipped' WHEN 'failed' THEN 'dead'
                     ELSE 'pending' END,
       CASE i.status WHEN 'failed' THEN 4 WHEN 'received' THEN 0 ELSE 1 END, 4, i.received_at,
       i.received_at, COALESCE(i.processed_at, i.received_at), i.processed_at,
       CASE i.status WHEN 'failed' THEN 'KeyError: ''name''' END
FROM tds.tds_inbox_events AS i
"""

DEAD_LETTERS_SQL = f"""
INSERT INTO tds.tds_dead_letter_queue (queue_job_id, inbox_event_id, entity, entity_key, attempts, error,
                                   traceback, failed_at)
SELECT q.id, q.inbox_event_id, q.entity, q.entity_key, 4,
       ({ERRORS})[1 + q.id % 5] || E'\\n  detail for record ' || q.entity_key,
       'Traceback (most recent call last):' || E'\\n' || '  File "handler.py", line 1' || E'\\n', q.updated_at
FROM tds.tds_sync_queue AS q WHERE q.status = 'dead'
"""

LOGS_SQL = """
INSERT INTO tds.tds_sync_logs (queue_job_id, inbox_event_id, entity, entity_id, outcome, duration_ms,
                           worker_id, created_at)
SELECT q.id, q.inbox_event_id, q.entity, split_part(q.entity_key, ':', 2),
       CASE q.status WHEN 'succeeded' THEN 'updated' WHEN 'skipped' THEN 'unchanged' ELSE 'dead' END,
       2 + q.id % 11, 'bench-worker', q.updated_at
FROM tds.tds_sync_queue AS q WHERE q.status <> 'pending'
"""

AUDIT_SQL = """
INSERT INTO tds.tds_audit_trail (entity, entity_id, erp_table, action, before, after, changed_fields,
                             inbox_event_id, queue_job_id, source, changed_at)
SELECT q.entity, split_part(q.entity_key, ':', 2), 'erp.products', 'update',
       jsonb_build_object('name', 'old ' || q.id), jsonb_build_object('name', 'record ' || q.id),
       '["name"]'::jsonb, q.inbox_event_id, q.id, 'webhook', q.updated_at
FROM tds.tds_sync_queue AS q WHERE q.status = 'succeeded'
"""

# A sample a minute for a week, of six metrics (the shapes the operations loop records).
METRICS_SQL = """
INSERT INTO tds.tds_metrics (name, value, labels, sampled_at)
SELECT m.name, abs(sin(g / 90.0)) * m.scale + g % 7, '{}'::jsonb, now() - make_interval(mins => g)
FROM generate_series(0, 10079) AS g,
     (VALUES ('queue_depth', 400.0), ('throughput_per_min', 1200.0), ('failure_rate', 0.05),
             ('dead_letters_open', 30.0), ('latency_p95_ms', 80.0), ('zoho_calls_today', 3000.0))
     AS m(name, scale)
"""

SIDE_SQL = [
    "INSERT INTO tds.tds_alerts (rule, subject, severity, message) "
    "SELECT 'rule_' || g, '', CASE WHEN g % 3 = 0 THEN 'critical' ELSE 'warning' END, 'alert ' || g "
    "FROM generate_series(1, 40) AS g",
    "INSERT INTO tds.tds_sync_runs (entity, mode, status, records, enqueued, pages, started_at, finished_at) "
    "SELECT 'item', 'incremental', 'succeeded', 200, 10, 1, now() - make_interval(mins => g * 15), "
    "now() - make_interval(mins => g * 15 - 1) FROM generate_series(1, 700) AS g",
    "INSERT INTO tds.tds_worker_heartbeats (worker_id, hostname, pid) VALUES ('bench-worker', 'bench', 1)",
    "SELECT setval(pg_get_serial_sequence('tds.tds_inbox_events', 'id'), "
    "(SELECT max(id) FROM tds.tds_inbox_events))",
    "SELECT setval(pg_get_serial_sequence('tds.tds_sync_queue', 'id'), "
    "(SELECT max(id) FROM tds.tds_sync_queue))",
]


async def seed(dsn: str, jobs: int) -> None:
    """Fills the tables; prints how long each step took."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("SET synchronous_commit = off")
        steps = [
            ("inbox", INBOX_SQL, (jobs,)),
            ("queue", QUEUE_SQL, ()),
            ("dead letters", DEAD_LETTERS_SQL, ()),
        ]
        steps += [("sync logs", LOGS_SQL, ()), ("audit", AUDIT_SQL, ()), ("metrics", METRICS_SQL, ())]
        for name, sql, args in steps:
            started = time.perf_counter()
            status = await conn.execute(sql, *args)
            print(
                f"  seeded {name}: {status.split()[-1]} rows in {time.perf_counter() - started:.1f} s",
                flush=True,
            )
        for sql in SIDE_SQL:
            await conn.execute(sql)
        started = time.perf_counter()
        await conn.execute("VACUUM ANALYZE")
        print(f"  vacuum analyze: {time.perf_counter() - started:.1f} s", flush=True)
    finally:
        await conn.close()
