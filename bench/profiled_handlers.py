"""Profiled target benchmark: events/s into an existing ERP's tables beside the default erp.* schema.

The same detail records (tests/zoho_samples.py, distinct ids) go through the default profile's
handlers (erp.* tables carrying their own sync columns) and through the example "shop" profile
(examples/erp-profiles/shop.*: transforms, insert-only defaults and look-ups, foreign keys
resolved by Zoho key, an item fanned out into two tables, order lines replaced, sync state in
tds_erp_versions). Batches of 100, one transaction per batch, as the worker runs them; inserts,
then updates (a newer version, one changed field), then the same again unchanged.

Usage: .venv/bin/python -m bench.profiled_handlers [events_per_entity] [entity ...]
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import replace
from typing import Any

import asyncpg

from bench.common import ROOT, bench_database
from bench.entity_handlers import _events, _run
from tds.config import ErpMappingSettings
from tds.db.engine import create_engine, create_sessionmaker, plain_dsn, transaction
from tds.entities import catalog
from tds.entities.handler import EntityEvent, EntityHandler
from tds.entities.target import build_handlers
from tests import zoho_samples as z

SHOP = ROOT / "examples" / "erp-profiles"


ROUNDS = 3


def _batch(entity: str, count: int, at: str, change: bool, round_no: int) -> list[EntityEvent]:
    """The bench's events with ids of their own per round (so that inserts are inserts); sales
    orders also get their own numbers, which the shop ERP keeps unique."""
    id_field = catalog.get(entity).id_field
    events = []
    for event in _events(entity, count, at, change):
        record_id = f"{round_no}{event.entity_id}"
        payload = {**event.payload, id_field: record_id}
        if "salesorder_number" in payload:
            payload["salesorder_number"] = f"SO-{record_id}"
        events.append(replace(event, entity_id=record_id, payload=payload))
    return events


async def _parents(sessions: Any, handlers: dict[str, EntityHandler]) -> None:
    """The customer and products the sample sales order refers to."""
    records = [z.detail("contact"), z.detail("item"), z.detail("item", item_id="4600000000100002")]
    for n, payload in enumerate(records):
        entity = "contact" if "contact_id" in payload else "item"
        event = EntityEvent(10**9 + n, n, entity, str(payload[f"{entity}_id"]), "upsert", payload, "bench")
        async with transaction(sessions) as session:
            await handlers[entity](session, [event])


async def _measure(
    sessions: Any, handler: EntityHandler, entity: str, count: int, round_no: int
) -> tuple[float, ...]:
    inserts = await _run(sessions, handler, _batch(entity, count, z.T0, False, round_no))
    updates = await _run(sessions, handler, _batch(entity, count, z.T1, True, round_no))
    unchanged = await _run(sessions, handler, _batch(entity, count, z.T1, True, round_no))
    return inserts, updates, unchanged


async def _best_of(
    sessions: Any, handlers: list[EntityHandler], entity: str, count: int
) -> list[tuple[float, ...]]:
    """Each handler's best figures over ROUNDS rounds, the handlers taking turns within a round,
    so that a burst of load on the shared machine hits both alike."""
    runs: list[list[tuple[float, ...]]] = [[] for _ in handlers]
    for round_no in range(1, ROUNDS + 1):
        for position, handler in enumerate(handlers):
            runs[position].append(await _measure(sessions, handler, entity, count, round_no))
    return [tuple(max(figures) for figures in zip(*handler_runs, strict=True)) for handler_runs in runs]


async def main(url: str, count: int, entities: list[str]) -> None:
    conn = await asyncpg.connect(plain_dsn(url))
    await conn.execute((SHOP / "shop.sql").read_text())
    await conn.close()
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    default = build_handlers(ErpMappingSettings())
    shop = build_handlers(ErpMappingSettings(profile=SHOP / "shop.yaml"))
    try:
        await _parents(sessions, shop)
        await _parents(sessions, default)
        await _run(sessions, default["user"], _events("user", 200, z.T0, False))  # warm-up
        for entity in entities:
            base, profiled = await _best_of(sessions, [default[entity], shop[entity]], entity, count)
            for label, figures in (("default erp.*", base), ("shop profile", profiled)):
                print(
                    f"{entity:<11} {label:<14} insert {figures[0]:>7,.0f}/s   update {figures[1]:>7,.0f}/s"
                    f"   unchanged {figures[2]:>7,.0f}/s"
                )
            ratios = "   ".join(f"{p / b:.2f}" for p, b in zip(profiled, base, strict=True))
            print(
                f"{entity:<11} {'ratio':<14} {ratios}   "
                f"(profiled / default; {count} events, batches of 100, best of {ROUNDS})"
            )
    finally:
        await engine.dispose()


if __name__ == "__main__":
    events_per_entity = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000
    chosen = sys.argv[2:] or ["item", "contact", "salesorder"]
    with bench_database() as database_url:
        asyncio.run(main(database_url, events_per_entity, chosen))
