"""End-to-end benchmark: webhooks at a steady 100/s into `tds serve`; latency from intake to ERP row.

A client sends item webhooks at a fixed rate (open loop: sends are scheduled, not paced by answers)
to a `tds serve` process (API + worker pool in one process). It reports the client-side intake
latency and, per event, the server-side time from inbox insert to the ERP transaction
(`processed_at - received_at` in tds_inbox_events), whose p99 is the figure the target speaks of.

Usage: .venv/bin/python -m bench.e2e [rate_per_s] [seconds]
"""

from __future__ import annotations

import asyncio
import sys
import time

import asyncpg
import httpx
import orjson

from bench.common import TOKEN, bench_database, free_port, service, summary
from tds.db.engine import plain_dsn

LATENCY_SQL = (
    "SELECT extract(epoch FROM processed_at - received_at) * 1000 FROM tds.tds_inbox_events "
    "WHERE processed_at IS NOT NULL"
)


def body(n: int) -> bytes:
    item = {
        "item_id": f"4600000{n:010d}",
        "name": f"صنف رقم {n}",
        "sku": f"SKU-{n}",
        "rate": 10 + n % 7,
        "status": "active",
        "last_modified_time": "2026-11-23T10:00:00+0300",
        "stock_on_hand": n % 50,
    }
    return orjson.dumps({"item": item})


async def send_all(port: int, rate: float, seconds: float) -> list[float]:
    latencies: list[float] = []
    url = f"http://127.0.0.1:{port}/webhooks/zoho/item?token={TOKEN}"
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(limits=limits, timeout=10.0) as client:

        async def one(n: int) -> None:
            started = time.perf_counter()
            answer = await client.post(url, content=body(n), headers={"content-type": "application/json"})
            answer.raise_for_status()
            latencies.append((time.perf_counter() - started) * 1000)

        tasks = []
        start = time.perf_counter()
        for n in range(int(rate * seconds)):
            await asyncio.sleep(max(0.0, start + n / rate - time.perf_counter()))
            tasks.append(asyncio.create_task(one(n)))
        await asyncio.gather(*tasks)
    return latencies


async def processing_latencies(url: str, expected: int, timeout_s: float = 60.0) -> list[float]:
    conn = await asyncpg.connect(plain_dsn(url))
    try:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            done = await conn.fetchval(
                "SELECT count(*) FROM tds.tds_inbox_events WHERE processed_at IS NOT NULL"
            )
            if done >= expected:
                break
            await asyncio.sleep(0.2)
        return [float(r[0]) for r in await conn.fetch(LATENCY_SQL)]
    finally:
        await conn.close()


def main() -> None:
    rate = float(sys.argv[1]) if len(sys.argv) > 1 else 100.0
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 30.0
    with bench_database() as url:
        port = free_port()
        with service(url, "serve", port, TDS_WORKER__POLL_INTERVAL_S="5"):
            intake = asyncio.run(send_all(port, rate, seconds))
            e2e = asyncio.run(processing_latencies(url, len(intake)))
    print(f"e2e at {rate:.0f} events/s for {seconds:.0f} s: intake latency ms {summary(intake)}")
    print(f"e2e: inbox -> ERP ms {summary(e2e)} ({len(e2e)}/{len(intake)} applied)")


if __name__ == "__main__":
    main()
