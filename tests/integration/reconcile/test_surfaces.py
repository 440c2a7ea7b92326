"""The reconcile admin API and the `tds reconcile` command, against the emulator."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

from tests.integration.pull.test_sync_surfaces import ADMIN, client_for
from tests.integration.reconcile.test_reconcile import execute, synced


async def test_admin_api_runs_lists_and_shows_differences(make_stack) -> None:
    """POST starts a run in the background; its report lists exactly the corrupted record."""
    stack, _ = await synced(make_stack)
    item = sorted(stack.zoho_records("item"))[0]
    await execute(stack, "UPDATE erp.products SET rate = 0.5 WHERE zoho_id = :id", id=item)
    async with client_for(stack) as client:
        started = await client.post("/admin/reconcile/products", headers=ADMIN)
        assert started.status_code == 202, started.text
        (run_id,) = started.json()["runs"]
        for _ in range(300):
            run = (await client.get(f"/admin/reconcile/runs/{run_id}", headers=ADMIN)).json()["run"]
            if run["status"] != "running":
                break
            await asyncio.sleep(0.05)
        assert (run["status"], run["drift"], run["missing"], run["api_calls"]) == ("succeeded", 1, 0, 1)
        found = await client.get(f"/admin/reconcile/runs/{run_id}/differences", headers=ADMIN)
        (difference,) = found.json()["differences"]
        assert (difference["kind"], difference["zoho_id"], difference["fields"]) == ("drift", item, ["rate"])
        assert difference["detail"] == {"origin": "erp"}
        listed = (await client.get("/admin/reconcile/runs", params={"entity": "item"}, headers=ADMIN)).json()
        assert [r["id"] for r in listed["runs"]] == [run_id]


async def test_admin_api_refuses_bad_input_with_4xx(make_stack) -> None:
    stack = await make_stack()
    async with client_for(stack) as client:
        assert (await client.post("/admin/reconcile/items")).status_code == 401
        assert (await client.post("/admin/reconcile/gadgets", headers=ADMIN)).status_code == 404
        assert (await client.get("/admin/reconcile/runs/999", headers=ADMIN)).status_code == 404
        assert (await client.get("/admin/reconcile/runs/999/differences", headers=ADMIN)).status_code == 404
        bad_kind = await client.get("/admin/reconcile/runs/1/differences?kind=odd", headers=ADMIN)
        assert bad_kind.status_code == 422
        assert (await client.get("/admin/reconcile/runs/0", headers=ADMIN)).status_code == 422


async def tds(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tds", *args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=90)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def test_reconcile_command_reports_and_repairs(make_stack, db_url: str) -> None:
    """`tds reconcile items --repair` names the difference and queues its fix; after the workers, clean."""
    stack, _ = await synced(make_stack)
    item = sorted(stack.zoho_records("item"))[0]
    await execute(stack, "UPDATE erp.products SET name = 'wrong' WHERE zoho_id = :id", id=item)
    env = stack.command_env(db_url)
    code, out, err = await tds(env, "reconcile", "items", "--repair")
    assert code == 0, err
    assert "item: 45 in Zoho, 45 in the ERP, 1 differ" in out
    assert f"drift    {item} (name)" in out
    assert "1 repairs queued" in out
    await stack.drain()
    code, out, err = await tds(env, "reconcile", "items")
    assert code == 0, err
    assert "0 missing, 0 deleted in Zoho, 0 drifted, 1 API calls" in out


async def test_reconcile_command_refuses_an_unknown_entity(db_url: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TDS_")}
    env["TDS_DB__URL"] = db_url
    code, _, err = await tds(env, "reconcile", "spaceship")
    assert code == 2
    assert "unknown entity 'spaceship'" in err
