"""Catalog SQL about the schemas TDS Core created: their objects, what depends on them, dropping them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from tds.errors import UninstallError

# Whether a schema of this name exists.
SCHEMA_EXISTS_SQL = text("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = :schema)")

# Every object of a schema a DROP SCHEMA would remove by name: relations (indexes aside, which go
# with their tables), functions and procedures, and types of their own (not a table's row type, not
# an array type).
SCHEMA_OBJECTS_SQL = text("""
SELECT kind, name FROM (
    SELECT CASE c.relkind WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                          WHEN 'f' THEN 'foreign table' ELSE 'table' END AS kind,
           c.relname AS name
    FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
    WHERE n.nspname = :schema AND c.relkind IN ('r', 'p', 'S', 'v', 'm', 'f')
    UNION ALL
    SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END,
           p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'
    FROM pg_proc AS p JOIN pg_namespace AS n ON n.oid = p.pronamespace
    WHERE n.nspname = :schema
    UNION ALL
    SELECT 'type', t.typname
    FROM pg_type AS t JOIN pg_namespace AS n ON n.oid = t.typnamespace
    WHERE n.nspname = :schema AND t.typtype IN ('c', 'd', 'e', 'r', 'm')
      AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
      AND NOT EXISTS (SELECT 1 FROM pg_type AS a WHERE a.typarray = t.oid)
) AS found
ORDER BY kind, name
""")

# Objects outside the given schemas that depend on an object inside them: a DROP SCHEMA … CASCADE
# would drop them too (a view, a foreign key, a trigger, a column default or type of another
# application). Each dependent is placed by the relation or schema it belongs to; one of a catalog
# not placed here counts as outside, so that it is named rather than dropped unseen.
OUTSIDE_DEPENDENTS_SQL = text("""
WITH inside AS (
    SELECT oid FROM pg_namespace WHERE nspname = ANY(:schemas)
), owned AS (
    SELECT 'pg_class'::regclass AS classid, c.oid AS objid FROM pg_class AS c
    WHERE c.relnamespace IN (SELECT oid FROM inside)
    UNION ALL SELECT 'pg_proc'::regclass, p.oid FROM pg_proc AS p
    WHERE p.pronamespace IN (SELECT oid FROM inside)
    UNION ALL SELECT 'pg_type'::regclass, t.oid FROM pg_type AS t
    WHERE t.typnamespace IN (SELECT oid FROM inside)
), dependents AS (
    SELECT DISTINCT d.classid, d.objid, d.objsubid, CASE d.classid
        WHEN 'pg_class'::regclass THEN (SELECT relnamespace FROM pg_class WHERE oid = d.objid)
        WHEN 'pg_proc'::regclass THEN (SELECT pronamespace FROM pg_proc WHERE oid = d.objid)
        WHEN 'pg_type'::regclass THEN (SELECT typnamespace FROM pg_type WHERE oid = d.objid)
        WHEN 'pg_constraint'::regclass THEN (
            SELECT coalesce(r.relnamespace, t.typnamespace) FROM pg_constraint AS k
            LEFT JOIN pg_class AS r ON r.oid = k.conrelid LEFT JOIN pg_type AS t ON t.oid = k.contypid
            WHERE k.oid = d.objid)
        WHEN 'pg_trigger'::regclass THEN (
            SELECT r.relnamespace FROM pg_trigger AS g JOIN pg_class AS r ON r.oid = g.tgrelid
            WHERE g.oid = d.objid)
        WHEN 'pg_rewrite'::regclass THEN (
            SELECT r.relnamespace FROM pg_rewrite AS w JOIN pg_class AS r ON r.oid = w.ev_class
            WHERE w.oid = d.objid)
        WHEN 'pg_attrdef'::regclass THEN (
            SELECT r.relnamespace FROM pg_attrdef AS a JOIN pg_class AS r ON r.oid = a.adrelid
            WHERE a.oid = d.objid)
        WHEN 'pg_policy'::regclass THEN (
            SELECT r.relnamespace FROM pg_policy AS y JOIN pg_class AS r ON r.oid = y.polrelid
            WHERE y.oid = d.objid)
        END AS placed_in
    FROM pg_depend AS d JOIN owned AS o ON o.classid = d.refclassid AND o.objid = d.refobjid
    WHERE d.deptype IN ('n', 'a')
)
SELECT DISTINCT coalesce(v.type || ' ' || v.identity, pg_describe_object(d.classid, d.objid, d.objsubid))
    AS dependent
FROM dependents AS d
LEFT JOIN pg_rewrite AS w ON d.classid = 'pg_rewrite'::regclass AND w.oid = d.objid
-- a view's rule is named as the view
LEFT JOIN LATERAL pg_identify_object(
    coalesce(CASE WHEN w.oid IS NOT NULL THEN 'pg_class'::regclass END, d.classid),
    coalesce(w.ev_class, d.objid), CASE WHEN w.oid IS NOT NULL THEN 0 ELSE d.objsubid END
) AS v ON true
WHERE d.placed_in IS NULL OR d.placed_in NOT IN (SELECT oid FROM inside)
ORDER BY dependent
""")

# A DROP that waits longer than this for a lock fails instead (a running TDS Core holds locks).
LOCK_TIMEOUT_SQL = text("SET LOCAL lock_timeout = '10s'")
LOCK_NOT_AVAILABLE = "55P03"


@dataclass(frozen=True)
class SchemaObject:
    """One object of a schema: its kind (table, sequence, function, …) and qualified name."""

    kind: str
    name: str


class InstallationRepository:
    """Reads and drops the schemas TDS Core created; the caller owns the transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def schema_exists(self, schema: str) -> bool:
        return bool((await self.session.execute(SCHEMA_EXISTS_SQL, {"schema": schema})).scalar_one())

    async def objects(self, schema: str) -> list[SchemaObject]:
        rows = await self.session.execute(SCHEMA_OBJECTS_SQL, {"schema": schema})
        return [SchemaObject(kind, f"{schema}.{name}") for kind, name in rows]

    async def outside_dependents(self, schemas: Sequence[str]) -> list[str]:
        """The objects outside `schemas` that depend on an object inside them, described."""
        rows = await self.session.execute(OUTSIDE_DEPENDENTS_SQL, {"schemas": list(schemas)})
        return [str(name) for (name,) in rows]

    async def version_rows(self, schema: str) -> list[str]:
        """The revisions in `schema`'s Alembic version table (none when it has no such table)."""
        exists = await self.session.execute(
            text("SELECT to_regclass(:table) IS NOT NULL"), {"table": f"{_quote(schema)}.alembic_version"}
        )
        if not exists.scalar_one():
            return []
        # The schema's name is quoted from the settings' validated name; no value is formatted in.
        rows = await self.session.execute(text(f"SELECT version_num FROM {_quote(schema)}.alembic_version"))
        return [str(version) for (version,) in rows]

    async def comment_schema(self, schema: str, comment: str) -> None:
        """Sets the schema's comment (COMMENT takes no parameters: the text is quoted as a literal)."""
        literal = "'" + comment.replace("'", "''") + "'"
        await self.session.execute(text(f"COMMENT ON SCHEMA {_quote(schema)} IS {literal}"))

    async def drop_schemas(self, schemas: Sequence[str]) -> None:
        """DROP SCHEMA … CASCADE of each; UninstallError when a lock is not granted in time."""
        await self.session.execute(LOCK_TIMEOUT_SQL)
        try:
            for schema in schemas:
                await self.session.execute(text(f"DROP SCHEMA {_quote(schema)} CASCADE"))
        except DBAPIError as exc:
            if getattr(exc.orig, "sqlstate", None) != LOCK_NOT_AVAILABLE:
                raise
            raise UninstallError(
                "the schema is in use (a lock was not granted within 10 s): stop TDS Core's processes "
                "(tds serve, api, worker) and run tds uninstall again",
            ) from exc


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
