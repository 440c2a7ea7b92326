"""Drives TDS Core processes for the resilience tests: start, kill -9, a bounded webhook load, checks."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx

from tds.db.engine import plain_dsn

TOKEN = "process-token-0123456"
# Worker timings short enough that a killed worker's lease runs out within the test.
FAST_WORKER = {
    "TDS_WORKER__LEASE_S": "3",
    "TDS_WORKER__HEARTBEAT_INTERVAL_S": "1",
    "TDS_WORKER__STUCK_RECOVERY_INTERVAL_S": "1",
    "TDS_WORKER__POLL_INTERVAL_S": "0.2",
    "TDS_WORKER__RETRY_DELAYS_S": "[0.5]",
    "TDS_WORKER__RETRY_JITTER": "0",
}


def service_env(db_url: str, port: int, **extra: str) -> dict[str, str]:
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


@dataclass
class Processes:
    """`tds <role>` processes of one installation, their output kept in files for a failing test."""

    db_url: str
    port: int
    logs: Path
    running: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    starts: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, role: str) -> subprocess.Popen[bytes]:
        self.starts += 1
        out = (self.logs / f"{role}-{self.starts}.log").open("wb")
        env = service_env(self.db_url, self.port, **FAST_WORKER)
        proc = subprocess.Popen([sys.executable, "-m", "tds", role], env=env, stdout=out, stderr=out)
        self.running[role] = proc
        return proc

    def kill(self, role: str) -> None:
        """kill -9: no shutdown code runs, in-flight requests and batches are cut off."""
        proc = self.running[role]
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)

    def stop_all(self) -> dict[str, int | None]:
        for proc in self.running.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        codes = {}
        for role, proc in self.running.items():
            try:
                codes[role] = proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                codes[role] = None
        return codes

    def output(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in sorted(self.logs.glob("*.log")))

    async def wait_ready(self, timeout_s: float = 60.0) -> None:
        deadline = time.monotonic() + timeout_s
        async with httpx.AsyncClient() as client:
            while time.monotonic() < deadline:
                assert all(p.poll() is None for p in self.running.values()), self.output()
                try:
                    if (await client.get(f"{self.base_url}/ready", timeout=1.0)).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
        raise AssertionError(f"the service did not become ready\n{self.output()}")


async def wait_worker_running(procs: Processes, timeout_s: float = 60.0) -> None:
    """Waits for the current worker process's heartbeat row (it has claimed, or is ready to)."""
    pid = procs.running["worker"].pid
    conn = await asyncpg.connect(plain_dsn(procs.db_url))
    try:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            assert procs.running["worker"].poll() is None, procs.output()
            sql = "SELECT count(*) FROM tds.tds_worker_heartbeats WHERE pid = $1 AND state = 'running'"
            if await conn.fetchval(sql, pid):
                return
            await asyncio.sleep(0.1)
    finally:
        await conn.close()
    raise AssertionError(f"the worker did not start\n{procs.output()}")


def item(n: int) -> dict[str, object]:
    return {
        "item_id": f"4600{n:08d}",
        "name": f"صنف {n}",
        "rate": float(n),
        "last_modified_time": "2026-11-23T10:00:00+0300",
    }


@dataclass
class Load:
    """A bounded webhook load: every event is sent, like Zoho with a retry policy, until a 2xx answer."""

    base_url: str
    events: list[dict[str, object]]
    senders: int = 8
    pause_s: float = 0.03
    acked: dict[str, int] = field(default_factory=dict)
    refusals: dict[int | str, int] = field(default_factory=dict)

    async def run(self, deadline_s: float = 40.0) -> None:
        todo: asyncio.Queue[dict[str, object]] = asyncio.Queue()
        for event in self.events:
            todo.put_nowait(event)
        deadline = time.monotonic() + deadline_s
        async with httpx.AsyncClient(timeout=5.0) as client:
            await asyncio.gather(*(self._sender(client, todo, deadline) for _ in range(self.senders)))

    async def _sender(
        self, client: httpx.AsyncClient, todo: asyncio.Queue[dict[str, object]], deadline: float
    ) -> None:
        while not todo.empty():
            event = todo.get_nowait()
            while time.monotonic() < deadline:
                status = await self._send(client, event)
                if 200 <= status < 300:
                    self.acked[str(event["item_id"])] = status
                    break
                await asyncio.sleep(0.1)
            await asyncio.sleep(self.pause_s)

    async def _send(self, client: httpx.AsyncClient, event: dict[str, object]) -> int:
        url = f"{self.base_url}/webhooks/zoho/item"
        try:
            answer = await client.post(url, params={"token": TOKEN}, json={"item": event})
        except httpx.HTTPError as exc:
            self.refusals[type(exc).__name__] = self.refusals.get(type(exc).__name__, 0) + 1
            return 0
        if answer.status_code == 503:
            assert answer.headers.get("Retry-After"), "a 503 must say when to come back"
        if not 200 <= answer.status_code < 300:
            self.refusals[answer.status_code] = self.refusals.get(answer.status_code, 0) + 1
        return answer.status_code

    async def acked_at_least(self, count: int) -> None:
        while len(self.acked) < count:
            await asyncio.sleep(0.02)


async def settled_erp(db_url: str, expected: int, timeout_s: float = 30.0) -> asyncpg.Connection:
    """Waits until the queue is drained and the ERP holds `expected` products; returns a connection."""
    conn = await asyncpg.connect(plain_dsn(db_url))
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        open_jobs = await conn.fetchval(
            "SELECT count(*) FROM tds.tds_sync_queue WHERE status IN ('pending', 'processing')"
        )
        products = await conn.fetchval("SELECT count(*) FROM erp.products")
        if open_jobs == 0 and products >= expected:
            return conn
        await asyncio.sleep(0.2)
    await conn.close()
    raise AssertionError(f"the ERP did not settle: {products} of {expected} products, {open_jobs} open jobs")


async def assert_each_acknowledged_event_applied_once(conn: asyncpg.Connection, load: Load) -> None:
    """Every 2xx event is in the ERP as sent; each was stored once, ran to success once, changed once."""
    expected = {str(e["item_id"]): e["name"] for e in load.events if str(e["item_id"]) in load.acked}
    rows = await conn.fetch("SELECT zoho_id, name FROM erp.products")
    assert {r["zoho_id"]: r["name"] for r in rows} == expected
    per_event = await conn.fetch(
        "SELECT i.entity_id, count(q.id) AS jobs, bool_and(q.status = 'succeeded') AS done "
        "FROM tds.tds_inbox_events AS i LEFT JOIN tds.tds_sync_queue AS q ON q.inbox_event_id = i.id "
        "WHERE i.entity = 'item' GROUP BY i.entity_id"
    )
    assert {r["entity_id"] for r in per_event} == set(expected)
    assert all(r["jobs"] == 1 and r["done"] for r in per_event), [
        dict(r) for r in per_event if r["jobs"] != 1
    ]
    audit = await conn.fetch("SELECT entity_id, count(*) AS n FROM tds.tds_audit_trail GROUP BY entity_id")
    assert {r["entity_id"]: r["n"] for r in audit} == dict.fromkeys(expected, 1)
    assert await conn.fetchval("SELECT count(*) FROM tds.tds_dead_letter_queue") == 0
