"""SQL of `tds erp check`: the ERP's tables, columns and unique keys, from the database catalogue."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tds.entities.profile.diagnose import DbCatalog, DbColumn
from tds.entities.profile.model import Lookup
from tds.entities.profiled_repository import lookup_statement

# Every column of the tables named `schema.table` in :tables (information_schema, as the server sees it).
COLUMNS_SQL = text(
    """
    SELECT table_schema || '.' || table_name AS qualified, column_name, data_type,
           is_nullable = 'YES' AS nullable,
           column_default IS NOT NULL OR is_identity = 'YES' OR is_generated = 'ALWAYS' AS has_default
    FROM information_schema.columns
    WHERE table_schema || '.' || table_name = ANY(CAST(:tables AS text[]))
    """
)
# The column sets of every unique index (unique and primary-key constraints included) on those tables,
# leaving out partial and expression indexes, which an ON CONFLICT on plain columns cannot use.
UNIQUE_SQL = text(
    """
    SELECT n.nspname || '.' || c.relname AS qualified, array_agg(a.attname::text) AS columns
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey)
    WHERE i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL
      AND n.nspname || '.' || c.relname = ANY(CAST(:tables AS text[]))
    GROUP BY i.indexrelid, n.nspname, c.relname
    """
)


class CheckRepository:
    """Reads what `tds erp check` compares the profile with (read-only)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def catalog(self, tables: Sequence[str], lookups: Sequence[Lookup]) -> DbCatalog:
        params: dict[str, Any] = {"tables": sorted(set(tables))}
        columns: dict[str, dict[str, DbColumn]] = {}
        for row in (await self.session.execute(COLUMNS_SQL, params)).mappings():
            column = DbColumn(row["data_type"], row["nullable"], row["has_default"])
            columns.setdefault(row["qualified"], {})[row["column_name"]] = column
        unique: dict[str, list[frozenset[str]]] = {}
        for row in (await self.session.execute(UNIQUE_SQL, params)).mappings():
            unique.setdefault(row["qualified"], []).append(frozenset(row["columns"]))
        found = {}
        for lookup in lookups:
            if lookup.table in columns and {lookup.column, *lookup.where} <= columns[lookup.table].keys():
                value = (await self.session.execute(lookup_statement(lookup))).scalar()
                found[lookup.model_dump_json()] = value is not None
        return DbCatalog(columns, unique, found)
