"""The migrations build the whole schema and agree with the models."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tds.db import migrate

EXPECTED_TDS_TABLES = {
    "tds_inbox_events",
    "tds_sync_queue",
    "tds_sync_runs",
    "tds_sync_logs",
    "tds_dead_letter_queue",
    "tds_sync_cursors",
    "tds_audit_trail",
    "tds_alerts",
    "tds_metrics",
    "tds_configuration",
    "tds_worker_heartbeats",
    "tds_healer_actions",
    "tds_alert_deliveries",
    "tds_erp_versions",
    "tds_reconcile_runs",
    "tds_reconcile_differences",
    "tds_followups",
}
EXPECTED_ERP_TABLES = {
    "products",
    "customers",
    "vendors",
    "invoices",
    "invoice_lines",
    "bills",
    "credit_notes",
    "sales_orders",
    "payments",
    "price_lists",
    "stock_levels",
    "warehouses",
    "users",
}


async def test_migrated_database_has_every_table_in_its_own_schemas(engine: AsyncEngine) -> None:
    """The upgrade creates every tds_* table, the version table and the notify function in schema
    `tds`, the default ERP schema in `erp`, and nothing at all in `public`."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT table_schema, table_name FROM information_schema.tables "
                "WHERE table_schema IN ('public', 'erp', 'tds')"
            )
        )
        found = {(r[0], r[1]) for r in rows}
        functions = await conn.execute(
            text(
                "SELECT n.nspname, p.proname FROM pg_proc AS p JOIN pg_namespace AS n "
                "ON n.oid = p.pronamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')"
            )
        )
        revision = await migrate.current_revision(conn)
    assert {("tds", t) for t in EXPECTED_TDS_TABLES} | {("tds", "alembic_version")} <= found
    assert {("erp", t) for t in EXPECTED_ERP_TABLES} <= found
    assert not {t for t in found if t[0] == "public"}
    assert set(functions.all()) == {("tds", "tds_notify_queue")}
    assert revision == migrate.head_revision()


async def test_models_and_migrations_agree(db_url: str) -> None:
    """`alembic check` finds no difference between the models and the migrated schema."""
    await asyncio.to_thread(migrate.check, db_url)


async def test_downgrade_then_upgrade_round_trips(db_url: str, engine: AsyncEngine) -> None:
    """Every migration can be undone and applied again."""
    from alembic import command

    await asyncio.to_thread(command.downgrade, migrate.alembic_config(db_url), "base")
    async with engine.connect() as conn:
        count = await conn.scalar(
            text(
                "SELECT count(*) FROM information_schema.tables "
                "WHERE table_schema IN ('erp', 'tds') AND table_name <> 'alembic_version'"
            )
        )
    assert count == 0
    await asyncio.to_thread(migrate.upgrade, db_url)
    await asyncio.to_thread(migrate.check, db_url)


async def test_migrate_command_builds_and_checks_an_empty_database(db_server, template_db) -> None:
    """`tds migrate` brings an empty database to head; `tds migrate --check` then agrees; exit codes 0."""
    import os
    import subprocess
    import sys

    name = await db_server.create()
    url = db_server.url_for(name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TDS_")}
    env["TDS_DB__URL"] = url
    expected = {"migrate": f"revision {migrate.head_revision()}", "--check": "models and migrations agree"}
    for args in (["migrate"], ["migrate", "--check"]):
        result = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "tds", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert expected[args[-1]] in result.stdout
    await db_server.drop(name)


async def test_check_reports_a_database_that_differs_from_the_models(
    db_url: str, engine: AsyncEngine
) -> None:
    """The check is no formality: an index missing from TDS Core's schema is reported."""
    from alembic.util import CommandError

    async with engine.begin() as conn:
        await conn.execute(text("DROP INDEX tds.ix_tds_alerts_fired_at"))
    with pytest.raises(CommandError, match="ix_tds_alerts_fired_at"):
        await asyncio.to_thread(migrate.check, db_url)
