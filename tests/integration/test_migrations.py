"""The migrations build the whole schema and agree with the models."""

from __future__ import annotations

import asyncio

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


async def test_migrated_database_has_every_table(engine: AsyncEngine) -> None:
    """`alembic upgrade head` creates every tds_* table and the default ERP schema."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT table_schema, table_name FROM information_schema.tables "
                "WHERE table_schema IN ('public', 'erp')"
            )
        )
        found = {(r[0], r[1]) for r in rows}
        revision = await migrate.current_revision(conn)
    assert {("public", t) for t in EXPECTED_TDS_TABLES} <= found
    assert {("erp", t) for t in EXPECTED_ERP_TABLES} <= found
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
            text("SELECT count(*) FROM information_schema.tables WHERE table_schema='erp'")
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
