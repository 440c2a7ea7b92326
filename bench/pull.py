"""Pull benchmark: bulk sync throughput against the emulator (a separate process).

1. Rate-limited like Zoho (100 requests/minute, 200 records a page, list rows only): records/s and its
   ratio to the rate-limit bound (100/60 * 200 = 333 records/s), with the 429s the client met.
2. No limit: records/s end to end into the ERP — pull (list rows, and separately with one detail call
   per record) while a `tds worker` process applies them; the clock stops when the queue is empty.

Usage: .venv/bin/python -m bench.pull [limited_seconds] [items]
"""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator

import asyncpg

from bench.common import ROOT, bench_database, free_port, service_env, wait_http
from tds.config import load_settings
from tds.db.engine import create_engine, create_sessionmaker, plain_dsn
from tds.emulator.launch import client_env
from tds.emulator.options import EmulatorOptions
from tds.pull.factory import build_pull
from tds.pull.ports import PullOptions


@contextlib.contextmanager
def emulator(items: int, rate_limit: int) -> Iterator[dict[str, str]]:
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "tds.cli",
        "emulator",
        "--port",
        str(port),
        "--items",
        str(items),
        "--contacts",
        "50",
        "--invoices",
        "20",
        "--rate-limit",
        str(rate_limit),
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL)
    try:
        wait_http(f"http://127.0.0.1:{port}/__emulator__/state", timeout_s=120)
        yield client_env(EmulatorOptions(), f"http://127.0.0.1:{port}")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def settings_for(env: dict[str, str], rpm: int):  # type: ignore[no-untyped-def]
    zoho = {k.removeprefix("TDS_ZOHO__").lower(): v for k, v in env.items()}
    return load_settings(
        zoho={**zoho, "requests_per_minute": rpm, "daily_request_budget": 1_000_000}, pull={"per_page": 200}
    )


async def pull_items(
    url: str, env: dict[str, str], rpm: int, details: bool, max_seconds: float | None = None
) -> tuple[int, float, int]:
    settings = settings_for(env, rpm)
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    pull = build_pull(settings, engine, sessions)
    pull.service.options = PullOptions(per_page=200, details=details, detail_concurrency=8)
    started = time.perf_counter()
    run = asyncio.create_task(pull.service.run("item", "full"))
    if max_seconds is not None:
        done, _ = await asyncio.wait({run}, timeout=max_seconds)
        if not done:
            run.cancel()
            await asyncio.gather(run, return_exceptions=True)
    else:
        await run
    elapsed = time.perf_counter() - started
    conn = await asyncpg.connect(plain_dsn(url))
    records = await conn.fetchval("SELECT count(*) FROM tds.tds_inbox_events")
    await conn.close()
    limited = pull.client.stats.rate_limited
    await pull.aclose()
    await engine.dispose()
    return int(records), elapsed, int(limited)


async def wait_drained(url: str, started: float) -> float:
    conn = await asyncpg.connect(plain_dsn(url))
    try:
        while await conn.fetchval(
            "SELECT count(*) FROM tds.tds_sync_queue WHERE status IN ('pending','processing')"
        ):
            await asyncio.sleep(0.1)
        return time.perf_counter() - started
    finally:
        await conn.close()


def limited(seconds: float, items: int) -> None:
    with emulator(items, 100) as env, bench_database() as url:
        records, elapsed, n429 = asyncio.run(pull_items(url, env, 100, details=False, max_seconds=seconds))
    rate = records / elapsed
    bound = 100 / 60 * 200
    print(
        f"pull, Zoho-like limit (100 req/min, 200/page, list rows): {records} records in {elapsed:.1f} s = "
        f"{rate:.0f} records/s = {rate / bound:.2f} of the {bound:.0f}/s bound; 429s met: {n429}"
    )


def unlimited(items: int, details: bool) -> None:
    with emulator(items, 0) as env, bench_database() as url:
        worker = subprocess.Popen(
            [sys.executable, "-m", "tds.cli", "worker"],
            cwd=ROOT,
            env={**_env(url), "TDS_WORKER__POLL_INTERVAL_S": "1"},
        )
        try:
            started = time.perf_counter()
            records, _, _ = asyncio.run(pull_items(url, env, 100_000, details=details))
            elapsed = asyncio.run(wait_drained(url, started))
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    kind = "with a detail call per record" if details else "list rows"
    print(
        f"pull, no limit ({kind}), end to end into the ERP: {records} records in {elapsed:.1f} s = "
        f"{records / elapsed:.0f} records/s"
    )


def _env(url: str) -> dict[str, str]:
    return service_env(url, free_port())


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 90.0
    items = int(sys.argv[2]) if len(sys.argv) > 2 else 20_000
    limited(seconds, items)
    unlimited(items, details=False)
    unlimited(min(items, 5000), details=True)


if __name__ == "__main__":
    main()
