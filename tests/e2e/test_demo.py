"""`tds demo` as a process: it pulls the emulated organisation, follows its webhooks, and stops on Ctrl-C."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time

import asyncpg
import httpx

from tds.db.engine import plain_dsn
from tests.pgcluster import free_port


async def _until(check, timeout_s: float = 90.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = await check()
        if found:
            return found
        await asyncio.sleep(0.3)
    raise AssertionError("the demo did not get there in time")


async def test_the_demo_syncs_the_emulator_and_stops_on_ctrl_c(db_url: str) -> None:
    port, emulator_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TDS_")}
    # A real installation's settings stay out of the demo: another ERP, a database, alert channels.
    env["TDS_ERP__PROFILE"] = "/nonexistent/shop.yaml"
    env["TDS_DB__URL"] = "postgresql://nobody@127.0.0.1:1/production"
    env["TDS_ALERTS__CHANNELS"] = (
        '[{"name": "pager", "target": {"kind": "webhook", "url": "http://127.0.0.1:1/"}}]'
    )
    args = ["--port", str(port), "--emulator-port", str(emulator_port), "--items", "12", "--contacts", "6"]
    args += ["--invoices", "10", "--mutate-every", "0.5", "--database-url", db_url]
    proc = subprocess.Popen(
        [sys.executable, "-m", "tds", "demo", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    conn = await asyncpg.connect(plain_dsn(db_url))
    try:
        assert proc.stdout is not None
        banner = proc.stdout.readline().decode()
        key = re.search(r"API key (\S+)\)", banner)
        assert key is not None, banner

        async def every_item() -> bool:  # the first pull brings every item of the organisation
            assert proc.poll() is None, "the demo exited"
            count = await conn.fetchval(
                "SELECT count(*) FROM erp.products WHERE source_modified_at IS NOT NULL"
            )
            return int(count) >= 12

        async def webhooks_applied() -> bool:  # the emulator's edits arrive as signed webhooks
            count = await conn.fetchval("SELECT count(*) FROM tds.tds_audit_trail WHERE source = 'webhook'")
            return int(count) > 0

        await _until(every_item)
        await _until(webhooks_applied)
        async with httpx.AsyncClient() as client:
            headers = {"X-API-Key": key.group(1)}
            stats = await client.get(f"http://127.0.0.1:{port}/admin/queue/stats", headers=headers)
            assert stats.status_code == 200
            page = await client.get(f"http://127.0.0.1:{port}/dashboard/login")
            assert page.status_code == 200
        proc.send_signal(signal.SIGINT)
        assert await asyncio.to_thread(proc.wait, 60) == 0
    finally:
        await conn.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
