"""TDS Core keeps to its own schema, and moves an installation of the legacy layout (public) into it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import asyncpg
import pytest

from tds.config import load_settings
from tds.db import migrate
from tds.db.engine import plain_dsn
from tds.db.relocate import LEGACY_TABLES
from tests.dbutil import DatabaseServer

# Rows a running legacy installation holds: an event with its job and log, a dead letter, an alert
# with a delivery, a cursor, a setting, a sync run and an ERP row written by the default profile.
LEGACY_ROWS = """
INSERT INTO tds_inbox_events (source, entity, entity_id, action, idempotency_key, content_hash, payload)
VALUES ('webhook', 'item', '1001', 'updated', 'k-1001', 'h-1001', '{"item_id": "1001", "name": "Lamp"}'),
       ('webhook', 'item', '1002', 'updated', 'k-1002', 'h-1002', '{"item_id": "1002"}');
INSERT INTO tds_sync_queue (inbox_event_id, entity, entity_key, status)
SELECT id, entity, 'item:' || entity_id, 'pending' FROM tds_inbox_events;
INSERT INTO tds_dead_letter_queue (inbox_event_id, queue_job_id, entity, entity_key, error, attempts)
SELECT inbox_event_id, id, entity, entity_key, 'ValueError: bad', 3 FROM tds_sync_queue ORDER BY id LIMIT 1;
INSERT INTO tds_alerts (rule, severity, message, subject) VALUES ('queue_backlog', 'warning', 'deep', '');
INSERT INTO tds_sync_cursors (entity, mode, last_modified_at) VALUES ('item', 'incremental', now());
INSERT INTO tds_configuration (key, value) VALUES ('zoho.daily_budget', '{"used": 7}');
INSERT INTO erp.products (zoho_id, name, sku, source_modified_at, content_hash)
VALUES ('1001', 'Lamp', 'L-1', now(), 'h');
"""
COUNT_SQL = "SELECT count(*) FROM {schema}.{table}"


def _env(url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TDS_")}
    return env | {"TDS_DB__URL": url, **extra}


def _tds(url: str, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tds", *args],
        env=_env(url, **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


async def _counts(conn: asyncpg.Connection, schema: str) -> dict[str, int]:
    return {t: await conn.fetchval(COUNT_SQL.format(schema=schema, table=t)) for t in LEGACY_TABLES}


@pytest.fixture
async def empty_db(db_server: DatabaseServer) -> str:
    name = await db_server.create()
    yield db_server.url_for(name)
    await db_server.drop(name)


async def test_a_legacy_installation_moves_into_its_own_schema_with_nothing_lost(empty_db: str) -> None:
    """`tds migrate` on a database at the legacy head (tables in public, with rows) moves every table,
    its rows, sequences and the notify function into `tds`, and the moved schema equals a new one."""
    await asyncio.to_thread(migrate.upgrade_legacy, empty_db, "0006")
    conn = await asyncpg.connect(plain_dsn(empty_db))
    try:
        await conn.execute(LEGACY_ROWS)
        before = await _counts(conn, "public")
        result = await asyncio.to_thread(_tds, empty_db, "migrate")
        assert result.returncode == 0, result.stderr
        assert "moved TDS Core's 16 tables from public into schema tds" in result.stderr
        assert await _counts(conn, "tds") == before
        assert before["tds_sync_queue"] == 2
        assert before["tds_configuration"] == 1
        left = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        assert left == []
        versions = await conn.fetch("SELECT version_num FROM tds.alembic_version ORDER BY 1")
        assert [v["version_num"] for v in versions] == sorted(["0101", migrate.head_revision()])
        # the sequences moved with their tables and go on from where they were
        new_id = await conn.fetchval(
            "INSERT INTO tds.tds_inbox_events (source, entity, entity_id, action, idempotency_key, "
            "content_hash, payload) VALUES ('webhook', 'item', '3', 'updated', 'k3', 'h3', '{}') RETURNING id"
        )
        assert new_id == 3
        # the queue's trigger still wakes listeners through the moved function
        woken: asyncio.Queue[str] = asyncio.Queue()
        listener = await asyncpg.connect(plain_dsn(empty_db))
        await listener.add_listener("tds_queue", lambda *args: woken.put_nowait(args[2]))
        await conn.execute(
            "INSERT INTO tds.tds_sync_queue (inbox_event_id, entity, entity_key) "
            "VALUES ($1, 'item', 'item:3')",
            new_id,
        )
        await asyncio.wait_for(woken.get(), timeout=5)
        await listener.close()
        assert await conn.fetchval(
            "SELECT payload->>'name' FROM tds.tds_inbox_events WHERE entity_id = '1001'"
        ) == ("Lamp")
    finally:
        await conn.close()
    await asyncio.to_thread(migrate.check, empty_db)


async def test_an_older_legacy_installation_is_brought_to_the_legacy_head_then_moved(empty_db: str) -> None:
    """A legacy installation at an older revision gets the rest of its history first, then moves."""
    await asyncio.to_thread(migrate.upgrade_legacy, empty_db, "0003")
    await asyncio.to_thread(migrate.upgrade, empty_db)
    conn = await asyncpg.connect(plain_dsn(empty_db))
    try:
        assert await conn.fetchval("SELECT to_regclass('tds.tds_alert_deliveries') IS NOT NULL")
        assert await conn.fetchval("SELECT to_regclass('public.alembic_version')") is None
    finally:
        await conn.close()
    await asyncio.to_thread(migrate.check, empty_db)


async def test_another_applications_version_table_and_tds_named_tables_are_left_alone(empty_db: str) -> None:
    """An ERP's own `public.alembic_version` and tables that only share the `tds_` prefix are neither
    moved nor changed; TDS Core builds its schema beside them."""
    conn = await asyncpg.connect(plain_dsn(empty_db))
    try:
        await conn.execute("""
            CREATE TABLE public.alembic_version (version_num varchar(32) PRIMARY KEY);
            INSERT INTO public.alembic_version VALUES ('9d2d52e3d8a3');
            CREATE TABLE public.tds_inbox_events (id serial PRIMARY KEY, note text);
            INSERT INTO public.tds_inbox_events (note) VALUES ('the earlier integration');
        """)
        await asyncio.to_thread(migrate.upgrade, empty_db)
        assert await conn.fetchval("SELECT version_num FROM public.alembic_version") == "9d2d52e3d8a3"
        assert await conn.fetchval("SELECT note FROM public.tds_inbox_events") == "the earlier integration"
        assert await conn.fetchval("SELECT to_regclass('tds.tds_inbox_events') IS NOT NULL")
    finally:
        await conn.close()


async def test_a_profile_of_the_erps_own_tables_creates_no_erp_schema(empty_db: str, tmp_path) -> None:
    """With a profile (not the packaged default), the migrations build TDS Core's schema only."""
    profile = tmp_path / "profile.yaml"
    profile.write_text("entities: {}\n")
    settings = load_settings(erp={"profile": profile})
    await asyncio.to_thread(migrate.upgrade_installation, empty_db, settings)
    conn = await asyncpg.connect(plain_dsn(empty_db))
    try:
        schemas = {r[0] for r in await conn.fetch("SELECT nspname FROM pg_namespace WHERE nspname !~ '^pg_'")}
        versions = [r[0] for r in await conn.fetch("SELECT version_num FROM tds.alembic_version")]
    finally:
        await conn.close()
    assert "erp" not in schemas
    assert "tds" in schemas
    assert versions == [migrate.head_revision()]
    await asyncio.to_thread(migrate.check, empty_db)
