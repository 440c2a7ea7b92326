"""Alembic environment: runs migrations over the async engine, on one connection, one runner at a time.

Every process may migrate at start (`db.migrate_on_start`), so several can start on an empty or older
database together. A transaction-scoped advisory lock makes them take turns: the first applies the
upgrade, the others wait for its commit and then find the schema at head.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import pool, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from tds.db.engine import async_url
from tds.migrations.metadata import TARGET_METADATA, include_object

config = context.config

# Serialises migration runs across processes; the key is arbitrary but fixed ("tds_migrate").
MIGRATION_LOCK_KEY = 0x7464735F6D6967
MIGRATION_LOCK_SQL = text("SELECT pg_advisory_xact_lock(:key)")
# Named for a DBA; no lock_timeout: migrations take turns on the advisory lock above, waiting for it.
MIGRATION_CONNECT_ARGS = {"server_settings": {"application_name": "tds-core-migrate"}}


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=TARGET_METADATA,
        include_schemas=True,
        include_object=include_object,
        compare_type=True,
    )
    with context.begin_transaction():
        connection.execute(MIGRATION_LOCK_SQL, {"key": MIGRATION_LOCK_KEY})
        context.run_migrations()


async def _run_online(url: str) -> None:
    engine = create_async_engine(async_url(url), poolclass=pool.NullPool, connect_args=MIGRATION_CONNECT_ARGS)
    async with engine.connect() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL given to Alembic (set TDS_DB__URL or use `tds migrate`)")
    asyncio.run(_run_online(url))


run()
