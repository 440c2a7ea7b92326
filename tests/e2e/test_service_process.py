"""`tds serve` as a real process: webhook in over HTTP, ERP row out, clean stop on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time

import asyncpg
import httpx

from tds.db.engine import plain_dsn

TOKEN = "process-token-0123456"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(db_url: str, port: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TDS_")}
    env.update(
        {
            "TDS_DB__URL": db_url,
            "TDS_API__PORT": str(port),
            "TDS_WEBHOOKS__SHARED_TOKEN": TOKEN,
            "TDS_DB__MIGRATE_ON_START": "true",
            **extra,
        }
    )
    return env


async def _wait_up(url: str, proc: subprocess.Popen[bytes], timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            assert proc.poll() is None, "the service exited during start-up"
            try:
                if (await client.get(url, timeout=1.0)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
    raise AssertionError("service did not become ready")


async def test_serve_applies_webhooks_and_stops_cleanly_on_sigterm(db_url: str) -> None:
    """One `tds serve` process takes a webhook over HTTP, its worker writes the ERP row; SIGTERM exits 0."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "tds", "serve"], env=_env(db_url, port))
    try:
        await _wait_up(f"http://127.0.0.1:{port}/ready", proc)
        item = {
            "item_id": "460000000012345",
            "name": "مثقاب كهربائي",
            "rate": 42.5,
            "last_modified_time": "2026-11-23T10:00:00+0300",
        }
        async with httpx.AsyncClient() as client:
            answer = await client.post(
                f"http://127.0.0.1:{port}/webhooks/zoho/item", params={"token": TOKEN}, json={"item": item}
            )
        assert answer.status_code == 202
        conn = await asyncpg.connect(plain_dsn(db_url))
        try:
            for _ in range(200):
                row = await conn.fetchrow("SELECT name FROM erp.products WHERE zoho_id = '460000000012345'")
                if row:
                    break
                await asyncio.sleep(0.05)
            assert row is not None
            assert row["name"] == "مثقاب كهربائي"
        finally:
            await conn.close()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


def test_worker_with_a_broken_erp_mapping_exits_non_zero(db_url: str) -> None:
    """A part that cannot start (an ERP remap naming an unknown table) stops the process with exit 1."""
    env = _env(db_url, _free_port(), TDS_ERP__TABLES='{"gadgets": "x.gadgets"}')
    result = subprocess.run([sys.executable, "-m", "tds", "worker"], env=env, capture_output=True, timeout=60)
    assert result.returncode == 1
    assert b"gadgets" in result.stderr
