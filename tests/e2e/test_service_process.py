"""TDS Core as real processes: webhook in over HTTP, ERP row out, clean stop on SIGTERM; and the same
under load while PostgreSQL restarts (fast, immediate) or an API or worker process is killed with -9."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from tds.db.engine import plain_dsn
from tests.e2e.process_load import (
    TOKEN,
    Load,
    Processes,
    assert_each_acknowledged_event_applied_once,
    item,
    settled_erp,
    wait_worker_running,
)
from tests.e2e.process_load import service_env as _env  # also used by the deployment tests
from tests.pgcluster import Cluster, ShutdownMode
from tests.pgcluster import free_port as _free_port


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


EVENTS = 240


async def _run_disrupted(
    procs: Processes, disrupt: Callable[[], Awaitable[None]], *, roles: tuple[str, ...]
) -> Load:
    """Starts the roles, sends the load, runs `disrupt` once a third is acknowledged; all must be acked."""
    procs.start(roles[0])
    await procs.wait_ready()
    for role in roles[1:]:
        procs.start(role)
    await wait_worker_running(procs)
    load = Load(procs.base_url, [item(n) for n in range(EVENTS)])
    sending = asyncio.create_task(load.run())
    await asyncio.wait_for(load.acked_at_least(EVENTS // 3), 30)
    await disrupt()
    await sending
    assert len(load.acked) == EVENTS, f"{len(load.acked)} acknowledged; refusals {load.refusals}"
    return load


async def _check_and_stop(procs: Processes, db_url: str, load: Load) -> None:
    conn = await settled_erp(db_url, EVENTS)
    try:
        await assert_each_acknowledged_event_applied_once(conn, load)
    finally:
        await conn.close()
    alive = {role: proc.poll() is None for role, proc in procs.running.items()}
    assert all(alive.values()), f"a process died: {alive}\n{procs.output()}"
    assert set(procs.stop_all().values()) == {0}, procs.output()


@pytest.fixture
def own_cluster() -> Iterator[Cluster]:
    cluster = Cluster()
    cluster.start()
    cluster.psql_create("tds")
    yield cluster
    cluster.cleanup()


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["fast", "immediate"])
async def test_postgres_restart_under_load_loses_nothing_acknowledged(
    mode: ShutdownMode, own_cluster: Cluster, tmp_path: Path
) -> None:
    """PostgreSQL restarts mid-load: the API answers 503 meanwhile, api and worker reconnect on their own,
    and every acknowledged event is in the ERP exactly once."""
    db_url = own_cluster.url("tds")
    procs = Processes(db_url, _free_port(), tmp_path)

    async def restart() -> None:
        await asyncio.to_thread(own_cluster.stop, mode)
        await asyncio.sleep(1.0)  # away long enough for requests and claims to fail
        await asyncio.to_thread(own_cluster.start)

    try:
        load = await _run_disrupted(procs, restart, roles=("api", "worker"))
        assert load.refusals.get(503, 0) > 0, f"the outage went unseen: {load.refusals}"
        assert 500 not in load.refusals, procs.output()
        await _check_and_stop(procs, db_url, load)
    finally:
        procs.stop_all()


@pytest.mark.slow
@pytest.mark.parametrize("victim", ["api", "worker"])
async def test_kill_9_under_load_loses_nothing_acknowledged(victim: str, db_url: str, tmp_path: Path) -> None:
    """kill -9 of the API or the worker mid-load, then a new one: nothing acknowledged is lost or doubled."""
    procs = Processes(db_url, _free_port(), tmp_path)

    async def kill_and_replace() -> None:
        procs.kill(victim)
        await asyncio.sleep(0.5)
        procs.start(victim)

    try:
        load = await _run_disrupted(procs, kill_and_replace, roles=("api", "worker"))
        await _check_and_stop(procs, db_url, load)
    finally:
        procs.stop_all()
