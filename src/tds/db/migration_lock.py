"""What every migration step shares: its connection (named for a DBA, no pool), the advisory lock that
makes processes take turns, and creating a schema without asking for more privilege than needed.

Used by Alembic's environment (migrations/runner.py) and by the steps around it: moving a legacy
installation (relocate.py) and taking back an `erp` schema `tds uninstall` kept (adopt.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import pool, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from tds.db.engine import async_url

T = TypeVar("T")

# Serialises migration runs across processes; the key is arbitrary but fixed ("tds_migrate").
MIGRATION_LOCK_KEY = 0x7464735F6D6967
MIGRATION_LOCK_SQL = text("SELECT pg_advisory_xact_lock(:key)")
# Named for a DBA; no lock_timeout: migrations take turns on the advisory lock above, waiting for it.
MIGRATION_CONNECT_ARGS = {"server_settings": {"application_name": "tds-core-migrate"}}
SCHEMA_EXISTS_SQL = text("SELECT 1 FROM pg_namespace WHERE nspname = :name")


def migration_engine(url: str) -> AsyncEngine:
    """An engine of one connection at a time, for one migration step."""
    return create_async_engine(async_url(url), poolclass=pool.NullPool, connect_args=MIGRATION_CONNECT_ARGS)


def take_migration_lock(connection: Connection) -> None:
    """Waits for other migration runs; held until the connection's transaction ends."""
    connection.execute(MIGRATION_LOCK_SQL, {"key": MIGRATION_LOCK_KEY})


async def run_locked(url: str, step: Callable[[Connection], T]) -> T:
    """Runs `step` in one transaction on its own connection, under the migration lock."""
    engine = migration_engine(url)
    try:
        async with engine.connect() as connection:

            def locked(sync: Connection) -> T:
                with sync.begin():
                    take_migration_lock(sync)
                    return step(sync)

            return await connection.run_sync(locked)
    finally:
        await engine.dispose()


def ensure_schema(connection: Connection, name: str) -> None:
    """Creates schema `name` unless it exists. Checked first: `CREATE SCHEMA IF NOT EXISTS` still asks
    for CREATE on the database, which a least-privileged role given a schema by its DBA does not have."""
    if connection.execute(SCHEMA_EXISTS_SQL, {"name": name}).first() is None:
        quoted = connection.dialect.identifier_preparer.quote(name)
        connection.execute(text(f"CREATE SCHEMA {quoted}"))
