"""`tds uninstall` as an operator runs it: what it lists, what it drops, and what it never touches."""

from __future__ import annotations

import pytest

from tests.integration.backup.test_backup_cli import _execute, _tds
from tests.integration.profiles.conftest import run_ddl

pytestmark = pytest.mark.slow

# Another application's table in public, and an ERP's own table a profile would write.
FOREIGN_TABLES = """
CREATE TABLE public.ledger (id int PRIMARY KEY);
INSERT INTO public.ledger VALUES (1);
CREATE SCHEMA shop;
CREATE TABLE shop.products (id int PRIMARY KEY, zoho_item_id text);
INSERT INTO shop.products VALUES (7, 'i-7');
"""
SCHEMAS = "SELECT string_agg(nspname, ',' ORDER BY nspname) FROM pg_namespace WHERE nspname IN ('tds', 'erp')"


async def _objects(db_url: str) -> object:
    return await _execute(
        db_url,
        "SELECT count(*) FROM pg_class WHERE relnamespace IN ('tds'::regnamespace, 'erp'::regnamespace)",
    )


async def test_dry_run_lists_the_schema_and_every_object_and_drops_nothing(db_url: str) -> None:
    """Tables, sequences, the queue's function and Alembic's version table; erp as ERP data."""
    before = await _objects(db_url)
    listed = _tds(db_url, "uninstall", "--dry-run")
    assert listed.returncode == 0, listed.stderr
    out = listed.stdout
    assert "TDS Core's schema tds: " in out
    for line in (
        "table     tds.tds_sync_queue",
        "sequence  tds.tds_sync_queue_id_seq",
        "function  tds.tds_notify_queue()",
        "table     tds.alembic_version  (Alembic's version table)",
        "table     erp.products",
    ):
        assert line in out
    assert "the default ERP schema erp, created by TDS Core's migrations (its tables hold ERP data" in out
    assert "dry run: nothing was dropped" in out
    assert await _objects(db_url) == before


async def test_uninstall_drops_its_schema_only_and_migrate_installs_again(db_url: str) -> None:
    """Foreign and profile tables stay; erp stays (with its rows) unless asked; migrate takes it back."""
    await run_ddl(db_url, FOREIGN_TABLES)
    await _execute(db_url, "INSERT INTO erp.warehouses (zoho_id, content_hash) VALUES ('w1', 'h')")
    dropped = _tds(db_url, "uninstall", "--yes")
    assert dropped.returncode == 0, dropped.stderr
    assert "dropped schema tds;" in dropped.stdout
    assert await _execute(db_url, SCHEMAS) == "erp"
    assert await _execute(db_url, "SELECT count(*) FROM public.ledger") == 1
    assert await _execute(db_url, "SELECT zoho_item_id FROM shop.products") == "i-7"

    migrated = _tds(db_url, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert await _execute(db_url, "SELECT zoho_id FROM erp.warehouses") == "w1"
    assert _tds(db_url, "migrate", "--check").returncode == 0

    both = _tds(db_url, "uninstall", "--yes", "--with-erp-schema")
    assert both.returncode == 0, both.stderr
    assert await _execute(db_url, SCHEMAS) is None
    assert await _execute(db_url, "SELECT count(*) FROM public.ledger") == 1
    assert _tds(db_url, "migrate").returncode == 0
    assert await _execute(db_url, SCHEMAS) == "erp,tds"


async def test_nothing_is_dropped_without_confirmation_or_over_a_dependent_outside(db_url: str) -> None:
    """Answering no aborts; a view of another application on TDS Core's table is named, not dropped;
    an erp schema the version table does not claim is refused."""
    declined = _tds(db_url, "uninstall", input_text="n\n")
    assert declined.returncode == 1
    assert await _execute(db_url, SCHEMAS) == "erp,tds"

    await _execute(db_url, "CREATE VIEW public.settings AS SELECT key FROM tds.tds_configuration")
    refused = _tds(db_url, "uninstall", "--yes")
    assert refused.returncode == 1
    assert "view public.settings" in refused.stderr
    assert await _execute(db_url, SCHEMAS) == "erp,tds"

    await run_ddl(
        db_url, "DROP VIEW public.settings; DELETE FROM tds.alembic_version WHERE version_num = '0101'"
    )
    assert "the default ERP schema" not in _tds(db_url, "uninstall", "--dry-run").stdout
    not_ours = _tds(db_url, "uninstall", "--yes", "--with-erp-schema")
    assert not_ours.returncode == 1
    assert "was not created by TDS Core's migrations" in not_ours.stderr
    assert await _execute(db_url, SCHEMAS) == "erp,tds"
