"""Backup SQL: the server's version, and which of the archived tables hold rows."""

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

# Every user table of the database (for a whole-database restore).
USER_TABLES_SQL = text("""
SELECT n.nspname || '.' || c.relname FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg_toast%'
""")


class BackupRepository:
    """Reads a backup or restore needs about the database; the caller owns the transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def server_major(self) -> int:
        return int((await self.session.execute(SERVER_MAJOR_SQL)).scalar_one())

    async def tables_with_rows(self, names: Sequence[str] | None) -> list[str]:
        """Of `names` (all user tables when None), the existing ones holding at least one row."""
        if names is None:
            rows = await self.session.execute(USER_TABLES_SQL)
        else:
            rows = await self.session.execute(EXISTING_TABLES_SQL, {"names": list(names)})
        filled = []
        for (name,) in rows:
            quoted = _quote(name)
            # Identifiers read from the catalog, quoted; no value is formatted into the statement.
            if (await self.session.execute(text(f"SELECT EXISTS (SELECT 1 FROM {quoted})"))).scalar_one():
                filled.append(name)
        return filled


def _quote(name: str) -> str:
    return ".".join('"' + part.replace('"', '""') + '"' for part in name.split(".", 1))
