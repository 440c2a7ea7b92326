"""Queue benchmark: events/s through the worker pool (claim, handler, complete, log), end to end.

The queue is filled first (as intake would: one inbox row and one pending job per event), then one
worker pool drains it; the clock runs from the pool's start until every job is finished.

Usage: .venv/bin/python -m bench.queue [events] [--noop] [--concurrency N] [--batch-size N]
  default: 20000 item/contact events through the real entity handlers (ERP upserts + audit rows);
  --noop: a handler that writes nothing, to see the queue's own cost.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench.common import bench_database
from tds.config import DatabaseSettings, ErpMappingSettings, WorkerSettings
from tds.db.engine import create_engine, create_sessionmaker
from tds.emulator.data import generate
from tds.emulator.options import DatasetSizes
from tds.entities.handler import EntityEvent, EntityHandler, Outcome
from tds.entities.target import build_handlers
from tds.worker.pool import WorkerPool

# Inbox rows and their pending jobs, in one statement per chunk (what intake writes per webhook).
SEED_SQL = text("""
WITH events AS (
    INSERT INTO tds.tds_inbox_events (source, entity, entity_id, idempotency_key, content_hash, payload)
    SELECT 'bench', e.entity, e.entity_id, e.key, e.key, e.payload
    FROM unnest(CAST(:entities AS text[]), CAST(:ids AS text[]), CAST(:keys AS text[]),
                CAST(:payloads AS jsonb[])) WITH ORDINALITY AS e(entity, entity_id, key, payload, n)
    ORDER BY e.n
    RETURNING id, entity, entity_id
)
INSERT INTO tds.tds_sync_queue (inbox_event_id, entity, entity_key)
SELECT id, entity, entity || ':' || entity_id FROM events ORDER BY id
""")


class NoopHandler:
    """Writes nothing: what remains is the queue's own work."""

    async def __call__(self, session: AsyncSession, events: Sequence[EntityEvent]) -> list[Outcome]:
        return [Outcome.UNCHANGED] * len(events)


def make_records(events: int) -> list[tuple[str, str, dict[str, Any]]]:
    """Zoho-shaped items and contacts from the emulator's generator (60/40), one event per record."""
    items = events * 3 // 5
    sizes = DatasetSizes(
        items=items,
        contacts=events - items,
        invoices=0,
        bills=0,
        creditnotes=0,
        salesorders=0,
        customerpayments=0,
        vendorpayments=0,
        pricebooks=0,
        inventory_adjustments=0,
        warehouses=1,
        users=1,
    )
    records = generate(seed=11, sizes=sizes).records
    pairs = [("item", r["item_id"], r) for r in records["item"]]
    pairs += [("contact", r["contact_id"], r) for r in records["contact"]]
    return pairs[:events]


async def seed(
    sessions: async_sessionmaker[AsyncSession], records: list[tuple[str, str, dict[str, Any]]]
) -> None:
    for start in range(0, len(records), 2000):
        chunk = records[start : start + 2000]
        params = {
            "entities": [entity for entity, _, _ in chunk],
            "ids": [str(record_id) for _, record_id, _ in chunk],
            "keys": [uuid.uuid4().hex for _ in chunk],
            "payloads": [json.dumps(record) for _, _, record in chunk],
        }
        async with sessions() as session, session.begin():
            await session.execute(SEED_SQL, params)


async def drain(url: str, events: int, noop: bool, concurrency: int, batch_size: int) -> dict[str, float]:
    engine = create_engine(url, DatabaseSettings(pool_size=concurrency + 4, max_overflow=4))
    sessions = create_sessionmaker(engine)
    records = make_records(events)
    await seed(sessions, records)
    handlers: dict[str, EntityHandler] = (
        {"item": NoopHandler(), "contact": NoopHandler()} if noop else build_handlers(ErpMappingSettings())
    )
    settings = WorkerSettings(concurrency=concurrency, batch_size=batch_size, poll_interval_s=0.5)
    pool = WorkerPool(sessions, url, handlers, settings, "bench")
    stop = asyncio.Event()
    started = time.perf_counter()
    running = asyncio.create_task(pool.run(stop))
    while pool.processed + pool.failed < len(records) and not running.done():
        await asyncio.sleep(0.01)
    elapsed = time.perf_counter() - started
    stop.set()
    await running
    async with sessions() as session:
        succeeded = await session.scalar(
            text("SELECT count(*) FROM tds.tds_sync_queue WHERE status = 'succeeded'")
        )
    await engine.dispose()
    return {
        "events": len(records),
        "seconds": elapsed,
        "rate": len(records) / elapsed,
        "succeeded": float(succeeded or 0),
        "failed": float(pool.failed),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("events", nargs="?", type=int, default=20_000)
    parser.add_argument("--noop", action="store_true")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=100)
    args = parser.parse_args()
    with bench_database() as url:
        result = asyncio.run(drain(url, args.events, args.noop, args.concurrency, args.batch_size))
    handler = "no-op handler" if args.noop else "real entity handlers"
    print(
        f"queue: {result['rate']:.0f} events/s ({result['events']:.0f} events in {result['seconds']:.1f} s, "
        f"{result['succeeded']:.0f} succeeded, {result['failed']:.0f} failed; {handler}, "
        f"batch {args.batch_size}, concurrency {args.concurrency})"
    )


if __name__ == "__main__":
    main()
