"""Reconciliation benchmark: API calls and time to compare, repair and re-verify a realistic organisation.

Data: 1,300 items, 2,500 contacts, 5,000 invoices and 2,000 sales orders in the emulator (a separate
process, limit off so calls are counted exactly), loaded into the ERP by a full sync. Then, per entity:

1. a reconciliation of the synced data (must find nothing);
2. damage: 10 records deleted in Zoho (invoices and sales orders), 10 edited in Zoho, 10 ERP rows
   (or line sets) edited in the database directly; a reconciliation with repair;
3. the workers apply the repairs; a last reconciliation (must find nothing).

Calls are the service's own count (`tds_reconcile_runs.api_calls`); the minimum is one list call per
200 records, plus one detail call per record changed in Zoho for a repair. The time at Zoho's 100
requests a minute is computed as calls / 100 minutes; the compare time is measured.

Usage: .venv/bin/python -m bench.reconcile
"""

from __future__ import annotations

import asyncio
import sys
import time

import httpx
from sqlalchemy import text

from bench.common import bench_database
from bench.pull_economy import ENTITIES, Bench, emulator, pages, settings_for
from tds.db.engine import create_engine, create_sessionmaker
from tds.entities.catalog import get
from tds.entities.target import build_handlers
from tds.pull.factory import build_pull
from tds.reconcile.factory import build_reconcile
from tds.worker.pool import WorkerPool

DAMAGE = 10
DELETED_IN_ZOHO = ("invoice", "salesorder")  # nothing in the data set points at them
CORRUPT = {
    "item": "UPDATE erp.products SET name = name || ' (edited)' WHERE zoho_id = ANY(:ids)",
    "contact": "UPDATE erp.customers SET phone = '000' WHERE zoho_id = ANY(:ids)",
    "invoice": "UPDATE erp.invoices SET total = total + 1 WHERE zoho_id = ANY(:ids)",
    "salesorder": (
        "UPDATE erp.sales_order_lines SET quantity = quantity + 1 WHERE document_zoho_id = ANY(:ids)"
    ),
}
HEADER = {"item": "products", "contact": "customers", "invoice": "invoices", "salesorder": "sales_orders"}


class ReconcileBench(Bench):
    def damage(self) -> dict[str, int]:
        """Edits (and deletes) in Zoho; returns how many differences they make per entity."""
        expected = {}
        for entity in ENTITIES:
            body = httpx.get(f"{self.base}/__emulator__/snapshot", params={"entity": entity}, timeout=120)
            ids = [str(r[get(entity).id_field]) for r in body.json()[entity]]
            for record_id in ids[:DAMAGE]:
                httpx.patch(f"{self.base}/__emulator__/records/{entity}/{record_id}", json={}, timeout=30)
            if entity in DELETED_IN_ZOHO:
                for record_id in ids[DAMAGE : 2 * DAMAGE]:
                    httpx.delete(f"{self.base}/__emulator__/records/{entity}/{record_id}", timeout=30)
            expected[entity] = DAMAGE * (2 if entity in DELETED_IN_ZOHO else 1)
        return expected

    async def corrupt(self) -> None:
        engine = create_engine(self.url)
        try:
            async with engine.begin() as conn:
                for entity, sql in CORRUPT.items():
                    table = HEADER[entity]
                    rows = await conn.execute(
                        text(f"SELECT zoho_id FROM erp.{table} ORDER BY zoho_id DESC LIMIT {DAMAGE}")
                    )
                    await conn.execute(text(sql), {"ids": [r[0] for r in rows]})
        finally:
            await engine.dispose()

    async def reconcile(self, repair: bool) -> dict[str, tuple[int, int, int, float]]:
        """Per entity: (differences, repairs queued, API calls, seconds); then the workers drain."""
        settings = settings_for(self.env, self.url, 100_000)
        engine = create_engine(self.url)
        sessions = create_sessionmaker(engine)
        pull = build_pull(settings, engine, sessions)
        service = build_reconcile(settings, sessions, pull.client)
        pool = WorkerPool(sessions, engine, build_handlers(settings.erp), settings.worker)
        found = {}
        try:
            for entity in ENTITIES:
                started = time.perf_counter()
                result = await service.run(entity, repair)
                assert result.status == "succeeded", result.error
                c = result.counts
                found[entity] = (c.differences, c.repaired, c.api_calls, time.perf_counter() - started)
            while await pool.run_once() > 0:
                pass
            return found
        finally:
            await pull.aclose()
            await engine.dispose()


def report(step: str, found: dict[str, tuple[int, int, int, float]], minimum: dict[str, int]) -> None:
    for entity, (differences, repaired, calls, seconds) in found.items():
        print(
            f"{step:16} {entity:10} differences {differences:4d}  repairs {repaired:4d}  calls {calls:4d}  "
            f"minimum {minimum[entity]:4d}  ratio {calls / minimum[entity]:5.3f}  "
            f"compare {seconds:6.2f} s  at 100/min {calls / 100 * 60:6.1f} s"
        )


def main() -> None:
    with emulator() as (base, env), bench_database() as url:
        bench = ReconcileBench(base, env, url)
        print(f"data: {bench.counts}; code: {sys.modules['tds'].__file__}")
        asyncio.run(bench.sync("full", 100_000))
        listing = {e: pages(n) for e, n in bench.counts.items()}
        synced = asyncio.run(bench.reconcile(False))
        report("synced", synced, listing)
        expected = {e: n + DAMAGE for e, n in bench.damage().items()}  # and DAMAGE rows edited in the ERP
        asyncio.run(bench.corrupt())
        damaged = asyncio.run(bench.reconcile(True))
        report("damaged, repair", damaged, {e: n + DAMAGE for e, n in listing.items()})
        repaired = asyncio.run(bench.reconcile(False))
        report("repaired", repaired, listing)
        assert {e: f[0] for e, f in damaged.items()} == expected, expected
        assert all(f[0] == 0 for f in (*synced.values(), *repaired.values()))


if __name__ == "__main__":
    main()
