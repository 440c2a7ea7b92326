"""Dashboard benchmark: each page's response time with 1,000,000 jobs in the queue.

Seeds a fresh database (bench/dashboard_seed.py), starts one `tds api` process, logs in with the admin
key, then fetches every page `repeats` times one after another (after two warm-ups) and prints p50,
p95 and max per page. Beside them, two floors measured in the same run: a bare HTTP request to the same
process (/health) and the largest single query of the overview (job counts per status) run raw.

Usage: .venv/bin/python -m bench.dashboard [jobs] [repeats]     (default 1000000 30)
"""

from __future__ import annotations

import asyncio
import re
import sys
import time
from collections.abc import Awaitable, Callable

import asyncpg
import httpx

from bench.common import bench_database, free_port, percentile, service
from bench.dashboard_seed import seed
from tds.db.engine import plain_dsn

TARGET_MS = 300.0
ADMIN_KEY = "bench-admin"


def pages(jobs: int) -> list[tuple[str, str, str, dict[str, str] | None]]:
    """(label, method, path, form) of every page, with filters that hit each index."""
    dead_job = (jobs // 200) * 100 + 99  # a failed job from the middle of the week (see the seed)
    return [
        ("overview 1h", "GET", "/dashboard/", None),
        ("overview 24h", "GET", "/dashboard/?window=24h", None),
        ("overview 7d", "GET", "/dashboard/?window=7d", None),
        ("overview live fragment", "GET", "/dashboard/overview/live", None),
        ("queue, no filter", "GET", "/dashboard/queue", None),
        ("queue, status=dead", "GET", "/dashboard/queue?status=dead", None),
        (
            "queue, entity=invoice & status=pending",
            "GET",
            "/dashboard/queue?entity=invoice&status=pending",
            None,
        ),
        ("queue, a past day", "GET", "/dashboard/queue?since=2000-01-01T00:00&until=2100-01-01T00:00", None),
        ("queue, page 50 (keyset)", "GET", f"/dashboard/queue?before={max(1, jobs - 50 * 50)}", None),
        ("job detail", "GET", f"/dashboard/queue/jobs/{dead_job}", None),
        ("bulk replay confirmation", "POST", "/dashboard/queue/replay", {"status": "dead", "entity": "item"}),
        ("dead letters, grouped", "GET", "/dashboard/dead-letters", None),
        (
            "dead-letter group",
            "GET",
            "/dashboard/dead-letters/group?entity=item&error=KeyError%3A+%27name%27",
            None,
        ),
        ("record lookup", "GET", f"/dashboard/records?zoho_id={100000000 + jobs // 2}", None),
        ("sync runs", "GET", "/dashboard/sync", None),
        ("alerts", "GET", "/dashboard/alerts", None),
    ]


async def login(client: httpx.AsyncClient) -> str:
    page = await client.get("/dashboard/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None, "no CSRF token on the login page"
    answer = await client.post("/dashboard/login", data={"csrf_token": token.group(1), "api_key": ADMIN_KEY})
    assert answer.status_code == 303, answer.text
    home = await client.get("/dashboard/")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', home.text)
    assert csrf is not None
    return csrf.group(1)


async def timed(call: Callable[[], Awaitable[httpx.Response]], repeats: int) -> list[float]:
    for _ in range(2):
        answer = await call()
        assert answer.status_code == 200, f"{answer.status_code}: {answer.text[:300]}"
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        answer = await call()
        samples.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200
    return samples


async def query_floor(dsn: str, repeats: int) -> list[float]:
    conn = await asyncpg.connect(dsn)
    try:
        samples = []
        for _ in range(repeats + 2):
            started = time.perf_counter()
            await conn.fetch("SELECT status, count(*) FROM tds.tds_sync_queue GROUP BY status")
            samples.append((time.perf_counter() - started) * 1000)
        return samples[2:]
    finally:
        await conn.close()


def line(label: str, samples: list[float], floor_p50: float | None = None) -> str:
    p50, p95 = percentile(samples, 50), percentile(samples, 95)
    ratio = f"  {p50 / floor_p50:6.1f}x floor" if floor_p50 else ""
    verdict = "ok" if p95 < TARGET_MS else "SLOW"
    return f"  {label:42s} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  max {max(samples):7.1f} ms{ratio}  {verdict}"


async def measure(url: str, port: int, jobs: int, repeats: int) -> None:
    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        csrf = await login(client)
        health = await timed(lambda: client.get("/health"), repeats)
        count = await query_floor(plain_dsn(url), repeats)
        print(line("floor: GET /health (same process)", health))
        print(line("floor: job counts per status, raw SQL", count))
        for label, method, path, form in pages(jobs):
            if method == "GET":
                samples = await timed(lambda path=path: client.get(path), repeats)
            else:
                data = {**(form or {}), "csrf_token": csrf}
                samples = await timed(lambda path=path, data=data: client.post(path, data=data), repeats)
            print(line(label, samples, percentile(health, 50)), flush=True)


def main() -> None:
    jobs = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    with bench_database() as url:
        print(f"seeding {jobs:,} jobs (with their inbox events, logs, audit rows, dead letters, metrics)")
        asyncio.run(seed(plain_dsn(url), jobs))
        port = free_port()
        with service(url, "api", port, TDS_PULL__SCHEDULER_ENABLED="false"):
            print(
                f"pages, {repeats} requests each in turn after 2 warm-ups (target p95 < {TARGET_MS:.0f} ms):"
            )
            asyncio.run(measure(url, port, jobs, repeats))


if __name__ == "__main__":
    main()
