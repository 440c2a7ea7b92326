"""The foreign ERP fixture itself: its own Alembic, its rows, fingerprinted leftovers, a narrow role."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest

from tds.config import ErpMappingSettings
from tds.db.engine import create_engine, create_sessionmaker, plain_dsn, transaction
from tds.entities.check import CheckResult, check_erp
from tests.dbutil import DatabaseServer
from tests.foreign_erp import erp
from tests.foreign_erp.fixtures import PROFILE, ForeignErp, Records, build_foreign_erp, destroy_foreign_erp
from tests.foreign_erp.role import SCHEMA, profile_tables


async def fetch(url: str, sql: str, *args: object) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(plain_dsn(url))
    try:
        found: list[asyncpg.Record] = await conn.fetch(sql, *args)
        return found
    finally:
        await conn.close()


async def execute(url: str, sql: str) -> None:
    conn = await asyncpg.connect(plain_dsn(url))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


class TestErpAlembic:
    async def test_fixture_stops_one_revision_before_head(self, foreign_erp_db: ForeignErp) -> None:
        """A fresh fixture is at the revision before head, recorded in the ERP's public.alembic_version."""
        assert erp.revisions() == [erp.CATALOGUE, erp.ORDERS, erp.HEAD]
        assert await foreign_erp_db.erp_revision() == erp.PRE_HEAD

    async def test_own_upgrade_reaches_head_and_records_it(self, foreign_erp_db: ForeignErp) -> None:
        """The ERP's `alembic upgrade head` alters its tables and enum and records head in public."""
        await foreign_erp_db.erp_alembic_upgrade()
        url = foreign_erp_db.admin_url
        assert await foreign_erp_db.erp_revision() == erp.HEAD
        assert [r[0] for r in await fetch(url, "SELECT version_num FROM public.alembic_version")] == [
            erp.HEAD
        ]
        columns = await fetch(
            url, "SELECT column_name FROM information_schema.columns WHERE table_name = 'products'"
        )
        assert "barcode" in {r[0] for r in columns}
        labels = await fetch(url, "SELECT unnest(enum_range(NULL::public.currencyenum))::text")
        assert [r[0] for r in labels] == ["IQD", "USD", "EUR"]


class TestRows:
    async def test_linked_and_unlinked_rows_are_there(
        self, foreign_erp_db: ForeignErp, foreign_erp_zoho: Records
    ) -> None:
        """Linked products carry Zoho ids; unlinked ones share a Zoho SKU without one; an order has lines."""
        seeded, url = foreign_erp_db.seeded, foreign_erp_db.admin_url
        products = {
            r["sku"]: r["zoho_item_id"] for r in await fetch(url, "SELECT sku, zoho_item_id FROM products")
        }
        zoho_skus = {item["item_id"]: item["sku"] for item in foreign_erp_zoho["item"]}
        assert {zoho_skus[i]: i for i in seeded.linked_item_ids}.items() <= products.items()
        assert all(products[sku] is None for sku in seeded.unlinked_skus)
        assert set(seeded.unlinked_skus) <= set(zoho_skus.values())
        assert products[seeded.erp_only_sku] is None
        lines = await fetch(
            url,
            "SELECT l.id FROM sales_order_lines l JOIN sales_orders o ON o.id = l.order_id"
            " WHERE o.order_number = $1 AND o.zoho_salesorder_id IS NULL",
            seeded.order_number,
        )
        assert len(lines) == 2


LEFTOVER_CHANGES = [
    ("UPDATE public.tds_sync_queue SET status = 'done' WHERE status = 'pending'", "tds_sync_queue.rows"),
    ("UPDATE public.tds_inbox_events SET status = status", "tds_inbox_events.rows"),
    ("SELECT nextval('public.tds_sync_queue_id_seq')", "tds_sync_queue_id_seq.position"),
    ("ALTER TYPE public.tds_entity_type ADD VALUE 'bill'", "tds_entity_type.labels"),
    ("GRANT SELECT ON public.tds_inbox_events TO PUBLIC", "tds_inbox_events.definition"),
    ("CREATE INDEX ON public.tds_sync_queue (entity_id)", "tds_sync_queue.definition"),
]


class TestLeftovers:
    async def test_fingerprint_is_stable(self, foreign_erp_db: ForeignErp) -> None:
        """Two fingerprints of untouched leftovers are equal, part for part."""
        first = await foreign_erp_db.fingerprint_leftovers()
        assert await foreign_erp_db.fingerprint_leftovers() == first
        assert "missing" not in first.values()
        assert sorted(first) == [
            "tds_entity_type.labels",
            "tds_inbox_events.definition",
            "tds_inbox_events.rows",
            "tds_inbox_events_id_seq.definition",
            "tds_inbox_events_id_seq.position",
            "tds_sync_queue.definition",
            "tds_sync_queue.rows",
            "tds_sync_queue_id_seq.definition",
            "tds_sync_queue_id_seq.position",
        ]

    @pytest.mark.parametrize(("statement", "part"), LEFTOVER_CHANGES)
    async def test_fingerprint_names_the_part_that_changed(
        self, foreign_erp_db: ForeignErp, statement: str, part: str
    ) -> None:
        """A changed row (even to the same value), sequence, enum, grant or index changes its part only."""
        before = await foreign_erp_db.fingerprint_leftovers()
        await execute(foreign_erp_db.admin_url, statement)
        after = await foreign_erp_db.fingerprint_leftovers()
        assert {name for name in before if before[name] != after[name]} == {part}

    async def test_a_dropped_leftover_reads_as_missing(self, foreign_erp_db: ForeignErp) -> None:
        """Dropping a leftover table shows in the fingerprint instead of breaking it."""
        await execute(foreign_erp_db.admin_url, "DROP TABLE public.tds_sync_queue")
        after = await foreign_erp_db.fingerprint_leftovers()
        assert after["tds_sync_queue.rows"] == after["tds_sync_queue.definition"] == "missing"


class TestRole:
    @pytest.mark.parametrize(
        "statement",
        ["CREATE TABLE public.tds_probe (id int)", "CREATE SCHEMA tds_probe", "SELECT * FROM erp_audit"],
    )
    async def test_role_may_not_create_in_public_nor_a_schema(
        self, foreign_erp_db: ForeignErp, statement: str
    ) -> None:
        """The role cannot create in public, create a schema or read the ERP's other tables."""
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await execute(foreign_erp_db.role_url, statement)

    async def test_role_may_not_touch_the_leftovers(self, foreign_erp_db: ForeignErp) -> None:
        """The earlier integration's tables are out of the role's reach."""
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await fetch(foreign_erp_db.role_url, "SELECT * FROM public.tds_inbox_events")

    async def test_role_writes_products_and_the_erp_triggers_still_run(
        self, foreign_erp_db: ForeignErp
    ) -> None:
        """The role reads and updates products; the ERP's triggers touch updated_at and audit as its owner."""
        url, role = foreign_erp_db.role_url, foreign_erp_db.role
        [before] = await fetch(
            url, "SELECT updated_at FROM products WHERE sku = $1", foreign_erp_db.seeded.erp_only_sku
        )
        await execute(url, "UPDATE products SET stock = stock - 1 WHERE sku = 'ERP-LOCAL-0001'")
        [after] = await fetch(url, "SELECT updated_at FROM products WHERE sku = 'ERP-LOCAL-0001'")
        assert after[0] > before[0]
        audit = await fetch(
            foreign_erp_db.admin_url, "SELECT action FROM erp_audit WHERE changed_by = $1", role
        )
        assert [r[0] for r in audit] == ["UPDATE"]

    async def test_role_owns_schema_tds_and_nothing_more(self, foreign_erp_db: ForeignErp) -> None:
        """The role owns `tds` (and creates there); no superuser, no CREATE on the database or public."""
        url, role = foreign_erp_db.role_url, foreign_erp_db.role
        await execute(url, f"CREATE TABLE {SCHEMA}.probe (id int)")
        [row] = await fetch(
            url,
            "SELECT n.nspowner::regrole::text AS owner, r.rolsuper, r.rolcreatedb, r.rolcreaterole,"
            " has_database_privilege(current_database(), 'CREATE') AS db_create,"
            " has_schema_privilege('public', 'CREATE') AS public_create,"
            " (SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'public') AS public_owner"
            " FROM pg_namespace n, pg_roles r WHERE n.nspname = $1 AND r.rolname = current_user",
            SCHEMA,
        )
        assert dict(row) == {
            "owner": role,
            "rolsuper": False,
            "rolcreatedb": False,
            "rolcreaterole": False,
            "db_create": False,
            "public_create": False,
            "public_owner": "pg_database_owner",
        }

    async def test_role_with_a_password(self, db_server: DatabaseServer, foreign_erp_zoho: Records) -> None:
        """A password given to the role is in the URL it returns, which logs in as the role."""
        built = await build_foreign_erp(
            db_server, foreign_erp_zoho, revision=erp.HEAD, password="s3cret pass"
        )
        try:
            assert "s3cret" in built.role_url
            [row] = await fetch(built.role_url, "SELECT current_user")
            assert row[0] == built.role
            assert await built.erp_revision() == erp.HEAD
        finally:
            await destroy_foreign_erp(db_server, built.database)


async def check(url: str) -> CheckResult:
    engine = create_engine(url)
    try:
        async with transaction(create_sessionmaker(engine)) as session:
            return await check_erp(session, ErpMappingSettings(profile=PROFILE))
    finally:
        await engine.dispose()


def tds_cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TDS_")}
    env |= {"TDS_DB__URL": url, "TDS_ERP__PROFILE": str(PROFILE)}
    return subprocess.run(
        [sys.executable, "-m", "tds", "erp", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


class TestProfile:
    def test_profile_names_the_tables_the_role_is_granted(self) -> None:
        """The role's grants follow the profile: its four tables, references included."""
        assert profile_tables(PROFILE) == [
            "public.customers",
            "public.products",
            "public.sales_order_lines",
            "public.sales_orders",
        ]

    @pytest.mark.parametrize("revision", [erp.PRE_HEAD, erp.HEAD])
    async def test_check_accepts_the_profile_as_superuser(
        self, foreign_erp_db: ForeignErp, revision: str
    ) -> None:
        """`tds erp check` (its Python API) finds no problem, before and after the ERP's own upgrade."""
        await foreign_erp_db.erp_alembic_upgrade(revision)
        result = await check(foreign_erp_db.admin_url)
        assert result.ok, result.text

    def test_cli_check_passes_as_the_narrow_role(self, foreign_erp_db: ForeignErp) -> None:
        """`tds erp check` run as the least-privileged role prints OK, exits 0, and names the ERP's
        triggers on the tables it writes as information."""
        done = tds_cli(foreign_erp_db.role_url, "check")
        assert done.returncode == 0, done.stdout + done.stderr
        first, *notes = done.stdout.strip().splitlines()
        assert first.endswith(": OK")
        assert any("trigger products_audit on public.products" in note for note in notes), notes

    def test_cli_plan_maps_a_zoho_item_into_products(
        self, foreign_erp_db: ForeignErp, foreign_erp_zoho: Records, tmp_path: Path
    ) -> None:
        """`tds erp plan item` shows the products row an unlinked item would write, without writing it."""
        item = foreign_erp_zoho["item"][2]
        payload = tmp_path / "item.json"
        payload.write_text(json.dumps({"item": item}))
        done = tds_cli(foreign_erp_db.role_url, "plan", "item", str(payload))
        assert done.returncode == 0, done.stdout + done.stderr
        assert item["sku"] in done.stdout
        assert "public.products" in done.stdout
