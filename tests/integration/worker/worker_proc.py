"""A worker process for the crash test: a WorkerPool on the given database with a slow writing handler."""

from __future__ import annotations

import argparse
import asyncio
import signal

from tds.config import DatabaseSettings, WorkerSettings
from tds.db.engine import create_engine, create_sessionmaker
from tds.worker.pool import WorkerPool
from tests.integration.worker.fakes import WritingHandler


async def main(url: str, worker_id: str, delay_s: float, lease_s: float) -> None:
    engine = create_engine(url, DatabaseSettings(pool_size=2, max_overflow=2))
    settings = WorkerSettings(
        concurrency=1,
        batch_size=10,
        lease_s=lease_s,
        heartbeat_interval_s=lease_s / 4,
        poll_interval_s=0.05,
        stuck_recovery_interval_s=0.2,
    )
    handler = WritingHandler(delay_s=delay_s)
    pool = WorkerPool(create_sessionmaker(engine), url, {"item": handler}, settings, worker_id)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    try:
        await pool.run(stop)
    finally:
        await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("worker_id")
    parser.add_argument("--delay-s", type=float, default=0.0)
    parser.add_argument("--lease-s", type=float, default=1.0)
    args = parser.parse_args()
    asyncio.run(main(args.url, args.worker_id, args.delay_s, args.lease_s))
