"""TDS Core inside a foreign ERP's own database, as a least-privileged role: it keeps to its schema,
leaves the ERP's Alembic history and the earlier integration's tables alone, and applies events."""

from __future__ import annotations

import asyncio
import copy
import os
import signal
import subprocess
import sys
from typing import Any

import asyncpg
import httpx

from tds.db.engine import plain_dsn
from tests.e2e.test_service_process import _wait_up as wait_up
from tests.foreign_erp import erp
from tests.foreign_erp.fixtures import ForeignErp
from tests.pgcluster import free_port

TOKEN = "foreign-erp-webhook-token-01"
PRODUCTS_DIGEST = "SELECT md5(string_agg(p::text, '|' ORDER BY id)) FROM public.products AS p"


def tds_env(foreign: ForeignErp, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TDS_")}
    return env | {
        "TDS_DB__URL": foreign.role_url,
        "TDS_ERP__PROFILE": str(foreign.profile),
        "TDS_WEBHOOKS__SHARED_TOKEN": TOKEN,
        **extra,
    }


def tds(foreign: ForeignErp, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tds", *args],
        env=tds_env(foreign, **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


def new_and_linked_items(foreign: ForeignErp) -> tuple[dict[str, Any], dict[str, Any]]:
    """A Zoho item the ERP does not hold in any form, and a later version of one it holds linked."""
    taken = set(foreign.seeded.unlinked_skus)
    fresh = next(
        i
        for i in foreign.zoho["item"]
        if i["item_id"] not in foreign.seeded.linked_item_ids and i["sku"] not in taken
    )
    linked = copy.deepcopy(
        next(i for i in foreign.zoho["item"] if i["item_id"] in foreign.seeded.linked_item_ids)
    )
    linked["name"] = "مصباح مكتب (جديد)"
    linked["last_modified_time"] = "2026-12-04T10:00:00+0300"
    return fresh, linked


async def fetch(url: str, sql: str, *args: object) -> Any:
    conn = await asyncpg.connect(plain_dsn(url))
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


async def test_migrate_keeps_to_its_schema_and_the_erps_history_goes_on(foreign_erp_db: ForeignErp) -> None:
    """`tds migrate` as the narrow role builds schema `tds` only: no `erp` schema, the ERP's
    `public.alembic_version` and the earlier integration's tables unchanged; the ERP's own
    `alembic upgrade head` then still runs, and `tds migrate` after it too."""
    foreign = foreign_erp_db
    before = await foreign.fingerprint_leftovers()
    result = await asyncio.to_thread(tds, foreign, "migrate")
    assert result.returncode == 0, result.stderr
    assert await foreign.erp_revision() == erp.PRE_HEAD
    assert await foreign.fingerprint_leftovers() == before
    schemas = await fetch(
        foreign.admin_url, "SELECT nspname, nspowner::regrole::text AS owner FROM pg_namespace"
    )
    owners = {r["nspname"]: r["owner"] for r in schemas}
    assert "erp" not in owners
    assert owners["tds"] == foreign.role
    ours = await fetch(foreign.admin_url, "SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'tds'")
    assert ours[0]["n"] >= 17
    await foreign.erp_alembic_upgrade("head")
    assert await foreign.erp_revision() == erp.HEAD
    again = await asyncio.to_thread(tds, foreign, "migrate")
    assert again.returncode == 0, again.stderr
    assert await foreign.fingerprint_leftovers() == before


async def test_serve_as_the_narrow_role_applies_webhooks_into_the_erps_tables(
    foreign_erp_db: ForeignErp,
) -> None:
    """`tds serve` as the narrow role starts on the ERP's database, takes webhooks (one at the earlier
    integration's URL, with its key header and body shape), writes a new product and updates a linked
    one through the profile, and stops cleanly; the leftovers are untouched."""
    foreign = foreign_erp_db
    before = await foreign.fingerprint_leftovers()
    fresh, linked = new_and_linked_items(foreign)
    port = free_port()
    env = tds_env(foreign, TDS_API__PORT=str(port), TDS_DB__MIGRATE_ON_START="true")
    proc = subprocess.Popen([sys.executable, "-m", "tds", "serve"], env=env, stderr=subprocess.PIPE)
    try:
        await wait_up(f"http://127.0.0.1:{port}/ready", proc)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            answer = await client.post("/webhooks/zoho/item", params={"token": TOKEN}, json={"item": fresh})
            assert answer.status_code == 202, answer.text
            # the earlier integration's URL, header and body shape, as Zoho's settings still send them
            answer = await client.post(
                "/api/tds/webhooks/products",
                headers={"X-Webhook-Key": TOKEN},
                json={"entity_id": linked["item_id"], "event": "updated", "data": linked},
            )
            assert answer.status_code == 202, answer.text
        wanted = {fresh["item_id"]: fresh["name"], linked["item_id"]: linked["name"]}
        sql = "SELECT zoho_item_id, name FROM public.products WHERE zoho_item_id = ANY($1::text[])"
        for _ in range(300):
            found = {r["zoho_item_id"]: r["name"] for r in await fetch(foreign.admin_url, sql, list(wanted))}
            if found == wanted:
                break
            await asyncio.sleep(0.1)
        assert found == wanted
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        stderr = proc.stderr.read().decode() if proc.stderr else ""
    assert "Traceback" not in stderr, stderr[-3000:]
    assert await foreign.fingerprint_leftovers() == before
    assert await foreign.erp_revision() == erp.PRE_HEAD


async def test_backup_restore_and_uninstall_as_the_narrow_role(foreign_erp_db: ForeignErp, tmp_path) -> None:
    """As the narrow role: `tds backup` holds TDS Core's schema only (the ERP's tables with
    --with-erp), a restore brings it back, a restore of ERP tables is refused without --force, and
    `tds uninstall` lists then drops TDS Core's schema alone; the ERP's rows, history and the earlier
    integration's tables are untouched, and the ERP's own `alembic upgrade head` still runs."""
    foreign = foreign_erp_db
    before = await foreign.fingerprint_leftovers()
    products = "SELECT count(*) AS n FROM public.products"
    products_before = (await fetch(foreign.admin_url, products))[0]["n"]
    assert (await asyncio.to_thread(tds, foreign, "migrate")).returncode == 0
    ours = await asyncio.to_thread(tds, foreign, "backup", "--dir", str(tmp_path / "tds"))
    assert ours.returncode == 0, ours.stderr
    [archive] = (tmp_path / "tds").glob("tds-*.dump.gz")
    restored = await asyncio.to_thread(tds, foreign, "restore", str(archive), "--force")
    assert restored.returncode == 0, restored.stderr
    # pg_dump reads a sequence's position: backing up the ERP's tables needs SELECT on their sequences
    # (docs/least-privilege.md), which running the sync does not.
    sequences = ", ".join(
        f"public.{t}_id_seq" for t in ("products", "customers", "sales_orders", "sales_order_lines")
    )
    await fetch(foreign.admin_url, f"GRANT SELECT ON SEQUENCE {sequences} TO {foreign.role}")
    with_erp = await asyncio.to_thread(tds, foreign, "backup", "--with-erp", "--dir", str(tmp_path / "erp"))
    assert with_erp.returncode == 0, with_erp.stderr
    [erp_archive] = (tmp_path / "erp").glob("tds-*.dump.gz")
    refused = await asyncio.to_thread(tds, foreign, "restore", str(erp_archive))
    assert refused.returncode == 1
    assert "public.products" in refused.stderr
    listed = await asyncio.to_thread(tds, foreign, "uninstall", "--dry-run")
    assert listed.returncode == 0, listed.stderr
    assert "tds.tds_sync_queue" in listed.stdout
    assert "public." not in listed.stdout
    gone = await asyncio.to_thread(tds, foreign, "uninstall", "--yes")
    assert gone.returncode == 0, gone.stderr
    schemas = await fetch(
        foreign.admin_url, "SELECT nspname FROM pg_namespace WHERE nspname IN ('tds', 'erp')"
    )
    assert schemas == []
    assert (await fetch(foreign.admin_url, products))[0]["n"] == products_before
    assert await foreign.fingerprint_leftovers() == before
    await foreign.erp_alembic_upgrade("head")
    assert await foreign.erp_revision() == erp.HEAD
