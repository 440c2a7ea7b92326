"""Entity handler benchmark: events/s through one handler, batches of 100, one transaction per batch.

Measures the handler alone (no queue, no worker): realistic detail records (tests/zoho_samples.py)
with distinct ids, applied as inserts, then as updates (a newer version, one changed field), then
again unchanged. Each batch is one transaction, as the worker runs it.

Usage: .venv/bin/python -m bench.entity_handlers [events_per_entity] [entity ...]
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import Any

from bench.common import bench_database
from tds.config import ErpMappingSettings
from tds.db.engine import create_engine, create_sessionmaker, transaction
from tds.entities import catalog
from tds.entities.handler import EntityEvent, EntityHandler
from tds.entities.target import build_handlers
from tests import zoho_samples as z

BATCH = 100


def _events(entity: str, count: int, at: str, change: bool) -> list[EntityEvent]:
    id_field = catalog.get(entity).id_field
    key, value = z.CHANGE[entity]
    events = []
    for n in range(count):
        payload: dict[str, Any] = z.detail(entity, **({key: value} if change else {}))
        payload[id_field] = f"8{n:09d}"
        payload["last_modified_time"] = at
        events.append(EntityEvent(n, n, entity, payload[id_field], "upsert", payload, "bench"))
    return events


async def _run(sessions: Any, handler: EntityHandler, events: list[EntityEvent]) -> float:
    started = time.perf_counter()
    for start in range(0, len(events), BATCH):
        async with transaction(sessions) as session:
            await handler(session, events[start : start + BATCH])
    return len(events) / (time.perf_counter() - started)


async def main(url: str, count: int, entities: list[str]) -> None:
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    handlers = build_handlers(ErpMappingSettings())
    try:
        await _run(sessions, handlers["user"], _events("user", 200, z.T0, False))  # warm-up
        for entity in entities:
            inserts = await _run(sessions, handlers[entity], _events(entity, count, z.T0, False))
            updates = await _run(sessions, handlers[entity], _events(entity, count, z.T1, True))
            unchanged = await _run(sessions, handlers[entity], _events(entity, count, z.T1, True))
            print(
                f"{entity:<22} insert {inserts:>7,.0f}/s   update {updates:>7,.0f}/s   "
                f"unchanged {unchanged:>7,.0f}/s   ({count} events, batches of {BATCH})"
            )
    finally:
        await engine.dispose()


if __name__ == "__main__":
    events_per_entity = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000
    chosen = sys.argv[2:] or ["item", "contact", "invoice", "customerpayment"]
    with bench_database() as database_url:
        asyncio.run(main(database_url, events_per_entity, chosen))
