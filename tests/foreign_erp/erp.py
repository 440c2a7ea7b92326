"""The foreign ERP's own Alembic: upgrade to a named revision or head, and read the revision it is at."""

from __future__ import annotations

from pathlib import Path

import asyncpg
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from tds.db.engine import async_url, plain_dsn

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The ERP's revisions, oldest first: catalogue, then orders and audit, then barcodes (head).
CATALOGUE = "9d2d52e3d8a3"
ORDERS = "4c81f0b7e215"
HEAD = "e07a5c19b3d6"
# The revision a fresh fixture stops at, so the ERP's own `upgrade head` still has work to do.
PRE_HEAD = ORDERS

# The ERP's revision as its own version table records it (NULL when it was never migrated).
REVISION_SQL = """
SELECT CASE WHEN to_regclass('public.alembic_version') IS NOT NULL
            THEN (SELECT string_agg(version_num, ',') FROM public.alembic_version) END
"""


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def revisions() -> list[str]:
    """Every revision of the ERP's history, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def _upgrade(connection: Connection, revision: str) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, revision)


async def upgrade(url: str, revision: str = "head") -> None:
    """Runs the ERP's `alembic upgrade <revision>` on the database at `url`, in one transaction."""
    engine = create_async_engine(async_url(url), poolclass=pool.NullPool)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade, revision)
    finally:
        await engine.dispose()


async def current_revision(url: str) -> str | None:
    """The revision in the ERP's `public.alembic_version` (comma-joined if it has several heads)."""
    conn = await asyncpg.connect(plain_dsn(url))
    try:
        value: str | None = await conn.fetchval(REVISION_SQL)
        return value
    finally:
        await conn.close()
