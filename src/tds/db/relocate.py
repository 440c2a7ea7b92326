"""Moves an installation of the legacy layout (TDS Core's tables in `public`) into its own schema.

Recognised only by TDS Core's own revision ids in `public.alembic_version` (an ERP's version table
there holds the ERP's revisions and is left alone), never by a `tds_` name prefix: the tables moved are
the ones the legacy history created, by name, and only where they exist. The move is one transaction
under the migration lock, so the service must be stopped for it (docs/migration.md); a process that
starts meanwhile waits for the lock and then finds the new layout.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import text
from sqlalchemy.engine import Connection

from tds.db.migration_lock import ensure_schema, run_locked

log = logging.getLogger(__name__)

# The legacy history's revisions, oldest first, and the last one, which the move starts from.
LEGACY_REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006")
LEGACY_HEAD = LEGACY_REVISIONS[-1]
# What the legacy history created in `public` (besides the erp schema, which stays where it is).
LEGACY_TABLES = (
    "tds_alert_deliveries",
    "tds_alerts",
    "tds_audit_trail",
    "tds_configuration",
    "tds_dead_letter_queue",
    "tds_erp_versions",
    "tds_healer_actions",
    "tds_inbox_events",
    "tds_metrics",
    "tds_reconcile_differences",
    "tds_reconcile_runs",
    "tds_sync_cursors",
    "tds_sync_logs",
    "tds_sync_queue",
    "tds_sync_runs",
    "tds_worker_heartbeats",
)
LEGACY_FUNCTION = "tds_notify_queue()"
# The current history's base revisions that the moved layout equals (tds branch; erp branch).
TDS_BASE = "0100"
ERP_BASE = "0101"
# Where the version tables are: TDS Core's own schema's, and public's if this role may read it (one it
# may not read is another application's: the legacy layout's was always its installer's own).
VERSION_TABLES_SQL = text(
    "SELECT to_regclass(format('%I.alembic_version', CAST(:schema AS text))) IS NOT NULL AS own, "
    "to_regclass('public.alembic_version') IS NOT NULL "
    "AND has_table_privilege('public.alembic_version', 'SELECT') AS public"
)
PUBLIC_VERSIONS_SQL = text("SELECT version_num FROM public.alembic_version")
TABLE_EXISTS_SQL = text("SELECT to_regclass(:name) IS NOT NULL")
INSERT_VERSION_SQL = text("INSERT INTO {schema}.alembic_version (version_num) VALUES (:version)")


def legacy_revision(connection: Connection, schema_name: str) -> str | None:
    """The legacy revision this database is at, or None when it is not a legacy installation."""
    found = connection.execute(VERSION_TABLES_SQL, {"schema": schema_name}).one()
    if found.own or not found.public:
        return None
    versions = {row[0] for row in connection.execute(PUBLIC_VERSIONS_SQL)}
    if len(versions) != 1 or not versions <= set(LEGACY_REVISIONS):
        return None  # empty, or another application's history
    return str(versions.pop())


def _move(connection: Connection, schema_name: str) -> list[str]:
    quote = connection.dialect.identifier_preparer.quote
    schema = quote(schema_name)
    ensure_schema(connection, schema_name)
    moved = []
    for table in LEGACY_TABLES:
        if connection.execute(TABLE_EXISTS_SQL, {"name": f"public.{table}"}).scalar():
            connection.execute(text(f"ALTER TABLE public.{table} SET SCHEMA {schema}"))
            moved.append(table)
    if connection.execute(text("SELECT to_regprocedure('public.tds_notify_queue()')")).scalar():
        connection.execute(text(f"ALTER FUNCTION public.{LEGACY_FUNCTION} SET SCHEMA {schema}"))
    connection.execute(
        text(
            f"CREATE TABLE {schema}.alembic_version (version_num varchar(32) NOT NULL, "
            "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
        )
    )
    insert = text(INSERT_VERSION_SQL.text.format(schema=schema))
    connection.execute(insert, {"version": TDS_BASE})
    if connection.execute(TABLE_EXISTS_SQL, {"name": "erp.products"}).scalar():
        connection.execute(insert, {"version": ERP_BASE})
    connection.execute(text("DROP TABLE public.alembic_version"))
    return moved


def _relocate(connection: Connection, schema_name: str) -> tuple[bool, int]:
    """Moves the legacy layout when it is at its head: (whether it must be brought there first, how
    many tables moved)."""
    revision = legacy_revision(connection, schema_name)
    if revision is None:
        return False, 0
    if revision != LEGACY_HEAD:
        return True, 0  # brought to the legacy head first, outside this transaction
    return False, len(_move(connection, schema_name))


async def _relocate_locked(url: str, schema_name: str) -> bool:
    behind, moved = await run_locked(url, lambda connection: _relocate(connection, schema_name))
    if moved:  # logged once the move has committed
        log.warning("moved TDS Core's %d tables from public into schema %s", moved, schema_name)
    return behind


def relocate_legacy(url: str, schema_name: str) -> None:
    """Moves a legacy installation into `schema_name` (first bringing it to the legacy head); does
    nothing anywhere else. Blocking: call it in a thread from async code."""
    from tds.db.migrate import upgrade_legacy

    if asyncio.run(_relocate_locked(url, schema_name)):
        log.warning("bringing TDS Core's legacy layout to revision %s before moving it", LEGACY_HEAD)
        upgrade_legacy(url, LEGACY_HEAD)
        asyncio.run(_relocate_locked(url, schema_name))
