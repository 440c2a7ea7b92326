"""Pull economy benchmark: API calls and time of full and incremental syncs, against their minimum.

Data: 1,300 items, 2,500 contacts, 5,000 invoices and 2,000 sales orders in the emulator (a separate
process). Three syncs of those four entities, each counted call by call (the client's own counter):

1. a first full sync into an empty ERP;
2. a second full sync of unchanged data (what a nightly full run, or a resumed one, costs);
3. an incremental sync after 25 records of each entity were edited in Zoho.

Each is run with the emulator's limit off, so calls are counted exactly and quickly; the time the
same calls take at Zoho's 100 requests a minute is then `calls / 100` minutes (the client's pacer
sends exactly at the limit, as bench/pull.py measured). Syncs 2 and 3 are also run for real at
100 requests a minute when `--limited` is given. The minimum number of calls the data needs is
computed from the data: list pages at 200 a page, plus one detail call for each record whose list
row lacks what the mapping needs and whose version the ERP does not hold yet.

The same harness measures the code before this change when its source tree comes first on the
path: `PYTHONPATH=/path/to/old/src .venv/bin/python -m bench.pull_economy`.

Usage: .venv/bin/python -m bench.pull_economy [--limited]
"""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx

from bench.common import ROOT, bench_database, free_port, wait_http
from tds.config import Settings, load_settings
from tds.db.engine import create_engine, create_sessionmaker
from tds.emulator.launch import client_env
from tds.emulator.options import EmulatorOptions
from tds.entities.catalog import get
from tds.entities.target import build_handlers
from tds.pull.factory import build_pull
from tds.worker.pool import WorkerPool

SIZES = {"items": 1300, "contacts": 2500, "invoices": 5000, "salesorders": 2000}
OTHERS = ("bills", "creditnotes", "customerpayments", "vendorpayments", "inventory_adjustments")
ENTITIES = ("item", "contact", "invoice", "salesorder")
EDITS_PER_ENTITY = 25
PER_PAGE = 200


@contextlib.contextmanager
def emulator() -> Iterator[tuple[str, dict[str, str]]]:
    port = free_port()
    cmd = [sys.executable, "-m", "tds.cli", "emulator", "--port", str(port), "--rate-limit", "0"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{base}/__emulator__/state", timeout_s=120)
        sizes = {**SIZES, **dict.fromkeys(OTHERS, 0)}
        httpx.post(f"{base}/__emulator__/seed", json={"sizes": sizes}, timeout=300).raise_for_status()
        # A first full sync of this data needs more calls than the emulator's default day of 10,000.
        httpx.put(f"{base}/__emulator__/limits", json={"daily_limit": 0}, timeout=30).raise_for_status()
        yield base, client_env(EmulatorOptions(), base)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def settings_for(env: dict[str, str], url: str, rpm: int) -> Settings:
    zoho = {k.removeprefix("TDS_ZOHO__").lower(): v for k, v in env.items()}
    return load_settings(
        db={"url": url},
        zoho={**zoho, "requests_per_minute": rpm, "daily_request_budget": 1_000_000},
        pull={"per_page": PER_PAGE, "detail_concurrency": 8},
        worker={"batch_size": 500},
    )


def pages(n: int) -> int:
    return max(1, -(-n // PER_PAGE))


class Bench:
    def __init__(self, base: str, env: dict[str, str], url: str) -> None:
        self.base, self.env, self.url = base, env, url
        self.counts = {e: self._count(e) for e in ENTITIES}

    def _count(self, entity: str) -> int:
        body = httpx.get(f"{self.base}/__emulator__/snapshot", params={"entity": entity}, timeout=120).json()
        return len(body[entity])

    def set_limit(self, per_minute: int) -> None:
        """Turns the per-minute limit on, then lets the window of the unlimited runs' calls pass."""
        body = {"per_minute_limit": per_minute}
        httpx.put(f"{self.base}/__emulator__/limits", json=body, timeout=30).raise_for_status()
        time.sleep(61)

    def edit_some(self) -> None:
        for entity in ENTITIES:
            body = httpx.get(f"{self.base}/__emulator__/snapshot", params={"entity": entity}, timeout=120)
            spec = get(entity)
            for record in body.json()[entity][:EDITS_PER_ENTITY]:
                record_id = record[spec.id_field]
                url = f"{self.base}/__emulator__/records/{entity}/{record_id}"
                httpx.patch(url, json={}, timeout=30).raise_for_status()

    async def sync(self, mode: str, rpm: int) -> tuple[int, float]:
        """Runs one sync of the four entities, then lets the workers apply it; calls and pull seconds."""
        settings = settings_for(self.env, self.url, rpm)
        engine = create_engine(self.url)
        sessions = create_sessionmaker(engine)
        pull = build_pull(settings, engine, sessions)
        pool = WorkerPool(sessions, engine, build_handlers(settings.erp), settings.worker)
        try:
            started = time.perf_counter()
            for entity in ENTITIES:
                totals: Any = await pull.service.run(entity, mode)  # type: ignore[arg-type]
                assert totals.status == "succeeded", (entity, totals)
            elapsed = time.perf_counter() - started
            while await pool.run_once() > 0:
                pass
            return pull.client.stats.requests, elapsed
        finally:
            await pull.aclose()
            await engine.dispose()

    def minimum(self, step: str) -> int:
        list_pages = sum(pages(n) for n in self.counts.values())
        if step == "first full":
            return list_pages + sum(self.counts.values())
        if step == "second full":
            return list_pages
        # Incremental: items and contacts have no server-side filter (a full scan of list pages);
        # invoices and sales orders are filtered by Zoho to the changed records.
        scans = sum(pages(self.counts[e]) for e in ENTITIES if not get(e).incremental_filter)
        filtered = sum(pages(EDITS_PER_ENTITY) for e in ENTITIES if get(e).incremental_filter)
        return scans + filtered + EDITS_PER_ENTITY * len(ENTITIES)


def report(step: str, calls: int, seconds: float, minimum: int, limited: bool) -> None:
    shown = seconds if limited else calls / 100 * 60
    kind = "measured at 100/min" if limited else f"pull {seconds:.1f} s unlimited; at 100/min: computed"
    print(
        f"{step:12} calls {calls:6d}  minimum {minimum:6d}  ratio {calls / minimum:5.3f}  "
        f"{kind} {shown:8.1f} s ({shown / 60:.1f} min)"
    )


def main() -> None:
    limited = "--limited" in sys.argv
    with emulator() as (base, env), bench_database() as url:
        bench = Bench(base, env, url)
        print(f"data: {bench.counts}; code: {sys.modules['tds'].__file__}")
        calls, seconds = asyncio.run(bench.sync("full", 100_000))
        report("first full", calls, seconds, bench.minimum("first full"), False)
        calls, seconds = asyncio.run(bench.sync("full", 100_000))
        report("second full", calls, seconds, bench.minimum("second full"), False)
        bench.edit_some()
        calls, seconds = asyncio.run(bench.sync("incremental", 100_000))
        report("incremental", calls, seconds, bench.minimum("incremental"), False)
        if limited:
            bench.set_limit(100)
            calls, seconds = asyncio.run(bench.sync("full", 100))
            report("second full", calls, seconds, bench.minimum("second full"), True)
            bench.edit_some()
            calls, seconds = asyncio.run(bench.sync("incremental", 100))
            report("incremental", calls, seconds, bench.minimum("incremental"), True)


if __name__ == "__main__":
    main()
