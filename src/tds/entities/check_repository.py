"""SQL of `tds erp check`: the ERP's tables, columns, unique keys, privileges and triggers (pg_catalog),
and the records whose rows were written under another profile (tds_erp_versions).

Everything comes from pg_catalog, which every role may read: a role that lacks a privilege on a table
still sees its columns (information_schema would hide them) and is told the privilege it lacks.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from tds.db.schema import tds_text
from tds.entities.profile.access import DbAccess, DbSequence, DbTable, DbTrigger
from tds.entities.profile.diagnose import DbCatalog, DbColumn
from tds.entities.profile.model import Lookup
from tds.entities.profiled_repository import lookup_statement

# Every column of the tables named `schema.table` in :tables; `data_type` as information_schema
# spells it (a domain as its base type, a type outside pg_catalog as USER-DEFINED).
COLUMNS_SQL = text(
    """
    SELECT n.nspname || '.' || c.relname AS qualified, a.attname AS column_name,
           CASE WHEN t.typtype = 'd' THEN
                     CASE WHEN bt.typelem <> 0 AND bt.typlen = -1 THEN 'ARRAY'
                          WHEN bn.nspname = 'pg_catalog' THEN format_type(t.typbasetype, NULL)
                          ELSE 'USER-DEFINED' END
                WHEN t.typelem <> 0 AND t.typlen = -1 THEN 'ARRAY'
                WHEN tn.nspname = 'pg_catalog' THEN format_type(a.atttypid, NULL)
                ELSE 'USER-DEFINED' END AS data_type,
           NOT (a.attnotnull OR (t.typtype = 'd' AND t.typnotnull)) AS nullable,
           a.atthasdef OR a.attidentity <> '' AS has_default
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_type t ON t.oid = a.atttypid
    JOIN pg_namespace tn ON tn.oid = t.typnamespace
    LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
    LEFT JOIN pg_namespace bn ON bn.oid = bt.typnamespace
    WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'f')
      AND n.nspname || '.' || c.relname = ANY(CAST(:tables AS text[]))
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
# One table's columns with their declared type and, for varchar/char, the length limit.
COLUMN_TYPES_SQL = text(
    """
    SELECT a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS declared,
           CASE WHEN a.atttypid IN ('varchar'::regtype, 'bpchar'::regtype) AND a.atttypmod > 4
                THEN a.atttypmod - 4 END AS max_length
    FROM pg_attribute a
    WHERE a.attrelid = to_regclass(:table) AND a.attnum > 0 AND NOT a.attisdropped
    """
)
# The role TDS Core is connected as, written as a GRANT names it.
ROLE_SQL = text("SELECT quote_ident(current_user)")
# What that role holds on each of those tables (of SELECT, INSERT, UPDATE, DELETE) and on its schema.
PRIVILEGES_SQL = text(
    """
    SELECT n.nspname || '.' || c.relname AS qualified,
           quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS sql_name,
           quote_ident(n.nspname) AS schema_sql, has_schema_privilege(n.oid, 'USAGE') AS schema_usage,
           ARRAY(SELECT p FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']) AS p
                 WHERE has_table_privilege(c.oid, p)) AS held
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'f')
      AND n.nspname || '.' || c.relname = ANY(CAST(:tables AS text[]))
    """
)
# The sequences the column defaults of those tables draw on (serial columns; an identity column
# needs no privilege on its own sequence), and whether the role may take values from them.
SEQUENCES_SQL = text(
    """
    SELECT n.nspname || '.' || c.relname AS qualified, a.attname AS column_name,
           quote_ident(sn.nspname) || '.' || quote_ident(s.relname) AS sql_name,
           has_sequence_privilege(s.oid, 'USAGE, UPDATE') AS usage
    FROM pg_attrdef d
    JOIN pg_class c ON c.oid = d.adrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
    JOIN pg_depend dep ON dep.classid = 'pg_attrdef'::regclass AND dep.objid = d.oid
                      AND dep.refclassid = 'pg_class'::regclass
    JOIN pg_class s ON s.oid = dep.refobjid AND s.relkind = 'S'
    JOIN pg_namespace sn ON sn.oid = s.relnamespace
    WHERE n.nspname || '.' || c.relname = ANY(CAST(:tables AS text[]))
    ORDER BY 1, 2
    """
)
# The enabled triggers of those tables (not the ones PostgreSQL makes for foreign keys): timing,
# events, row or statement level, and the function they run.
TRIGGERS_SQL = text(
    """
    SELECT n.nspname || '.' || c.relname AS qualified, t.tgname AS name,
           CASE WHEN t.tgtype & 2 <> 0 THEN 'BEFORE' WHEN t.tgtype & 64 <> 0 THEN 'INSTEAD OF'
                ELSE 'AFTER' END AS timing,
           array_remove(ARRAY[CASE WHEN t.tgtype & 4 <> 0 THEN 'INSERT' END,
                              CASE WHEN t.tgtype & 16 <> 0 THEN 'UPDATE' END,
                              CASE WHEN t.tgtype & 8 <> 0 THEN 'DELETE' END], NULL) AS events,
           t.tgtype & 1 <> 0 AS per_row, t.tgfoid::regprocedure::text AS function
    FROM pg_trigger t
    JOIN pg_class c ON c.oid = t.tgrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE NOT t.tgisinternal AND t.tgenabled IN ('O', 'A')
      AND n.nspname || '.' || c.relname = ANY(CAST(:tables AS text[]))
    ORDER BY 1, 2
    """
)

# Per entity (with the digest of its running profile): the live records whose rows were written under
# another profile, or before digests were kept (NULL).
OTHER_PROFILE_SQL = tds_text(
    """
    SELECT p.entity, count(*)
    FROM unnest(CAST(:entities AS text[]), CAST(:digests AS text[])) AS p(entity, digest)
    JOIN tds.tds_erp_versions AS v ON v.entity = p.entity
    WHERE NOT v.is_deleted AND v.profile_digest IS DISTINCT FROM p.digest
    GROUP BY p.entity
    """
)


class CheckRepository:
    """Reads what `tds erp check` compares the profile with (read-only)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def catalog(
        self, tables: Sequence[str], lookups: Sequence[Lookup], readable: Collection[str]
    ) -> DbCatalog:
        """Columns and unique keys of `tables`, and whether each look-up finds its row (run only on
        `readable` tables: reading one the role may not read would end the transaction)."""
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
            names = {lookup.column, *lookup.where}
            if lookup.table in readable and names <= columns.get(lookup.table, {}).keys():
                value = (await self.session.execute(lookup_statement(lookup))).scalar()
                found[lookup.model_dump_json()] = value is not None
        return DbCatalog(columns, unique, found)

    async def access(self, tables: Sequence[str]) -> DbAccess:
        """What the connected role holds on `tables`, their schemas and sequences; their triggers."""
        params: dict[str, Any] = {"tables": sorted(set(tables))}
        held = {
            row["qualified"]: DbTable(
                row["sql_name"], row["schema_sql"], row["schema_usage"], frozenset(row["held"])
            )
            for row in (await self.session.execute(PRIVILEGES_SQL, params)).mappings()
        }
        sequences = [
            DbSequence(row["qualified"], row["column_name"], row["sql_name"], row["usage"])
            for row in (await self.session.execute(SEQUENCES_SQL, params)).mappings()
        ]
        triggers = [
            DbTrigger(
                *(row["qualified"], row["name"], row["timing"]),
                *(frozenset(row["events"]), row["per_row"], row["function"]),
            )
            for row in (await self.session.execute(TRIGGERS_SQL, params)).mappings()
        ]
        role = str((await self.session.execute(ROLE_SQL)).scalar())
        return DbAccess(role, held, sequences, triggers)

    async def column_types(self, table: str) -> dict[str, tuple[str, int | None]]:
        """`table`'s columns: declared type (`character varying(20)`) and length limit, if any."""
        rows = await self.session.execute(COLUMN_TYPES_SQL, {"table": table})
        return {r.column_name: (r.declared, r.max_length) for r in rows}

    async def written_under_other_profiles(self, digests: Mapping[str, str]) -> dict[str, int] | None:
        """{entity: live records written under a profile other than `digests[entity]`}; None when
        TDS Core's sync states cannot be read (a database not migrated yet, or a role checking the
        ERP's tables only), read in a savepoint so that the check goes on."""
        params = {"entities": list(digests), "digests": list(digests.values())}
        try:
            async with self.session.begin_nested():
                rows = await self.session.execute(OTHER_PROFILE_SQL, params)
                return {entity: int(count) for entity, count in rows}
        except DBAPIError:
            return None
