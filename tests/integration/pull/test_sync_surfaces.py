"""The sync admin API and the `tds sync` command, against the emulator."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import httpx

from tds.api.app import create_app
from tds.emulator.options import EmulatorOptions
from tests.integration.pull.conftest import SMALL, PullStack

ADMIN = {"X-API-Key": "pull-admin-key-0123"}


def client_for(stack: PullStack) -> httpx.AsyncClient:
    stack.container.extras["pull"] = stack.pull
    stack.container.settings.api.admin_api_keys = [
        type(stack.settings.zoho.client_secret)("pull-admin-key-0123")
    ]
    transport = httpx.ASGITransport(app=create_app(stack.container))
    return httpx.AsyncClient(transport=transport, base_url="http://tds.test")


async def test_admin_api_starts_watches_and_lists_runs(make_stack) -> None:
    """POST starts a run in the background; GET shows its live counters until it succeeds."""
    stack = await make_stack()
    async with client_for(stack) as client:
        started = await client.post("/admin/sync/items", params={"mode": "full"}, headers=ADMIN)
        assert started.status_code == 202, started.text
        (run_id,) = started.json()["runs"]
        for _ in range(300):
            run = (await client.get(f"/admin/sync/runs/{run_id}", headers=ADMIN)).json()["run"]
            if run["status"] != "running":
                break
            await asyncio.sleep(0.05)
        assert run["status"] == "succeeded"
        assert run["records"] == SMALL.items
        listed = (await client.get("/admin/sync/runs", headers=ADMIN)).json()["runs"]
        assert [r["id"] for r in listed] == [run_id]
        budget = (await client.get("/admin/sync/budget", headers=ADMIN)).json()
        calls = sum(v for k, v in stack.emulator.gateway.calls.items())
        assert budget["used"] == calls  # every API call counted, none missed
        assert budget["left"] == budget["limit"] - calls


async def test_admin_api_refuses_bad_input_with_4xx(make_stack) -> None:
    """No key: 401; unknown entity: 404; unknown run: 404; bad mode: 422 — never a 500."""
    stack = await make_stack()
    async with client_for(stack) as client:
        assert (await client.post("/admin/sync/items")).status_code == 401
        unknown = await client.post("/admin/sync/gadgets", headers=ADMIN)
        assert unknown.status_code == 404
        assert "gadgets" in unknown.json()["detail"]
        assert (await client.get("/admin/sync/runs/999", headers=ADMIN)).status_code == 404
        assert (await client.post("/admin/sync/runs/999/cancel", headers=ADMIN)).status_code == 404
        assert (
            await client.post("/admin/sync/items", params={"mode": "sideways"}, headers=ADMIN)
        ).status_code == 422


async def test_sync_command_pulls_into_the_queue(make_stack, db_url: str) -> None:
    """`tds sync items` run as a process enqueues every item and reports the run; exit code 0."""
    stack = await make_stack()
    env = stack.command_env(db_url, TDS_PULL__PER_PAGE="20")
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tds",
        "sync",
        "items",
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=90)
    assert proc.returncode == 0, err.decode()
    assert f"{SMALL.items} records" in out.decode()
    queued = await stack.rows("SELECT count(*) AS n FROM tds.tds_sync_queue WHERE entity = 'item'")
    assert queued == [{"n": SMALL.items}]


async def test_sync_command_explains_missing_configuration(db_url: str) -> None:
    """Without Zoho credentials `tds sync` says which settings are missing and exits 1."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TDS_")}
    env.update({"TDS_DB__URL": db_url, "TDS_DB__MIGRATE_ON_START": "false"})
    result = subprocess.run(
        [sys.executable, "-m", "tds", "sync", "all"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert "TDS_ZOHO__CLIENT_ID" in result.stderr


async def test_runs_started_over_the_api_are_cancelled_when_the_process_stops(make_stack) -> None:
    """Closing the container cancels a background run, which ends marked cancelled, not left running."""
    stack = await make_stack(EmulatorOptions(sizes=SMALL, per_minute_limit=0, latency_s=0.05))
    async with client_for(stack) as client:
        started = await client.post("/admin/sync/items", params={"mode": "full"}, headers=ADMIN)
        (run_id,) = started.json()["runs"]
        while not await stack.rows("SELECT 1 FROM tds.tds_sync_runs WHERE id = :id AND pages > 0", id=run_id):
            await asyncio.sleep(0.01)
        await stack.container.aclose()
    run = await stack.rows("SELECT status, finished_at FROM tds.tds_sync_runs WHERE id = :id", id=run_id)
    assert run[0]["status"] == "cancelled"
    assert run[0]["finished_at"] is not None
