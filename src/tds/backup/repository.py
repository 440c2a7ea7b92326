"""Backup SQL: the server's version, TDS Core's tables, which tables hold rows, and the drop of extras.

The extras are tables of TDS Core's schema that an archive has none of (a newer release's).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

# The server's major version (server_version_num is e.g. 150020 for 15.20).
SERVER_MAJOR_SQL = text("SELECT current_setting('server_version_num')::int / 10000")

# Of the given schema-qualified tables, those that exist in this database.
EXISTING_TABLES_SQL = text("""
SELECT n.nspname || '.' || c.relname FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname || '.' || c.relname = ANY(:names)
""")

# Every table of one schema (schema.name).
SCHEMA_TABLES_SQL = text("""
SELECT n.nspname || '.' || c.relname FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname = :schema ORDER BY 1
""")


class BackupRepository:
    """Reads and the few drops a backup or restore needs; the caller owns the transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def server_major(self) -> int:
        return int((await self.session.execute(SERVER_MAJOR_SQL)).scalar_one())

    async def schema_tables(self, schema: str) -> list[str]:
        return [str(name) for (name,) in await self.session.execute(SCHEMA_TABLES_SQL, {"schema": schema})]

    async def tables_with_rows(self, names: Sequence[str]) -> list[str]:
        """Of `names`, the existing ones holding at least one row."""
        rows = await self.session.execute(EXISTING_TABLES_SQL, {"names": list(names)})
        filled = []
        for (name,) in rows:
            # Identifiers read from the catalog, quoted; no value is formatted into the statement.
            if (
                await self.session.execute(text(f"SELECT EXISTS (SELECT 1 FROM {_quote(name)})"))
            ).scalar_one():
                filled.append(name)
        return sorted(filled)

    async def drop_tables(self, names: Sequence[str]) -> None:
        """Drops the tables (one statement, so that foreign keys among them do not get in the way)."""
        if names:
            # Identifiers read from the catalog, quoted; CASCADE reaches only what the caller checked.
            await self.session.execute(text(f"DROP TABLE {', '.join(_quote(n) for n in names)} CASCADE"))


def _quote(name: str) -> str:
    return ".".join('"' + part.replace('"', '""') + '"' for part in name.split(".", 1))
