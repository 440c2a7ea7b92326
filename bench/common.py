"""Shared benchmark plumbing: a throwaway migrated database, server subprocesses, percentiles."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import asyncpg
import httpx
from sqlalchemy.engine import make_url

from tds.db import migrate
from tds.db.engine import plain_dsn

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get("TDS_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TOKEN = "bench-token-0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(plain_dsn(ADMIN_URL))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextlib.contextmanager
def bench_database() -> Iterator[str]:
    """A fresh database migrated to head, dropped afterwards; yields its URL."""
    name = f"tds_bench_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    url = make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        migrate.upgrade(url)
        yield url
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def service_env(url: str, port: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TDS_")}
    env.update(
        {
            "TDS_DB__URL": url,
            "TDS_API__PORT": str(port),
            "TDS_WEBHOOKS__SHARED_TOKEN": TOKEN,
            "TDS_DB__MIGRATE_ON_START": "false",
            "TDS_LOG_LEVEL": "WARNING",
            "TDS_API__ADMIN_API_KEYS": '["bench-admin"]',
        }
    )
    env.update(extra)
    return env


@contextlib.contextmanager
def service(url: str, command: str, port: int, **extra: str) -> Iterator[subprocess.Popen[bytes]]:
    """Runs `tds <command>` against url and waits for /health; stops it with SIGTERM afterwards."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tds.cli", command], env=service_env(url, port, **extra), cwd=ROOT
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/health")
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def wait_http(url: str, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=1.0).status_code < 500:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up in {timeout_s} s")


def percentile(values: Sequence[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(values: Sequence[float]) -> str:
    return (
        (
            f"n={len(values)} p50={percentile(values, 50):.1f} p99={percentile(values, 99):.1f} "
            f"mean={statistics.fmean(values):.1f}"
        )
        if values
        else "n=0"
    )
