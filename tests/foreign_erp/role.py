"""A least-privileged LOGIN role for TDS Core: DML on the profile's tables, and a schema `tds` of its own.

It gets SELECT, INSERT, UPDATE and DELETE on the tables the profile writes or reads, USAGE on their
sequences and on schema public, and owns schema `tds`: no CREATE on the database or on public, no
ownership of public, no superuser, nothing on the ERP's other tables or the leftovers.
"""

from __future__ import annotations

from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from tds.db.engine import plain_dsn
from tds.entities.profile.loader import parse_profile
from tds.entities.profile.model import Source, Target

SCHEMA = "tds"

# Builds one utility statement with the server's own quoting (%I identifiers, %L literals): DDL takes
# no bind parameters, and no value is ever formatted into SQL on this side.
FORMAT_SQL = "SELECT format($1, VARIADIC CAST($2 AS text[]))"
# The sequences owned by (serial or identity columns of) the given tables.
SEQUENCES_SQL = """
SELECT DISTINCT s.oid::regclass::text
FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
WHERE d.classid = 'pg_class'::regclass AND d.refobjid = ANY(CAST($1 AS regclass[]))
  AND d.deptype IN ('a', 'i')
ORDER BY 1
"""

# Whether a role of this name exists.
ROLE_EXISTS_SQL = "SELECT true FROM pg_roles WHERE rolname = $1"


def role_name(database: str) -> str:
    """The role of one test database (roles are cluster-wide, so the database names it)."""
    return f"tds_core_{database}"[:63]


def profile_tables(profile: Path) -> list[str]:
    """Every `schema.table` the profile writes or reads (targets, children, references, look-ups)."""
    parsed = parse_profile(profile.read_text(encoding="utf-8"), str(profile))
    found: set[str] = set()
    for entity in parsed.entities.values():
        for target in entity.targets:
            found.add(parsed.qualified(target.table))
            found.update(parsed.qualified(child.table) for child in target.children)
            for source in _sources(target):
                found.update(parsed.qualified(r.table) for r in (source.ref, source.lookup) if r is not None)
    return sorted(found)


def _sources(target: Target) -> list[Source]:
    """Every column source of a target and of its child tables."""
    sources = [*target.columns.values(), *target.defaults.values()]
    for child in target.children:
        sources += [*child.columns.values(), *child.defaults.values()]
    return sources


async def _ddl(conn: asyncpg.Connection, template: str, *args: str) -> None:
    await conn.execute(await conn.fetchval(FORMAT_SQL, template, list(args)))


async def create_role(admin_url: str, tables: list[str], password: str | None = None) -> str:
    """Creates the role for the database of `admin_url` (a superuser's); returns a URL logging in as it."""
    url = make_url(admin_url)
    database = url.database or "postgres"
    role = role_name(database)
    conn = await asyncpg.connect(plain_dsn(admin_url))
    try:
        if password is None:
            await _ddl(conn, "CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE", role)
        else:
            await _ddl(
                conn, "CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L", role, password
            )
        # PostgreSQL 14 and older let every role create in public; the ERP takes that back.
        await conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        await _ddl(conn, "CREATE SCHEMA %I AUTHORIZATION %I", SCHEMA, role)
        await _ddl(conn, "GRANT USAGE ON SCHEMA public TO %I", role)
        for table in tables:
            schema, _, name = table.rpartition(".")
            await _ddl(conn, "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE %I.%I TO %I", schema, name, role)
        for sequence in await conn.fetch(SEQUENCES_SQL, tables):
            await _ddl(conn, "GRANT USAGE ON SEQUENCE %s TO %I", sequence[0], role)
    finally:
        await conn.close()
    return url.set(username=role, password=password).render_as_string(hide_password=False)


async def drop_role(admin_url: str, role: str) -> None:
    """Drops the role once its database is gone (DROP OWNED clears what it holds in the admin database)."""
    conn = await asyncpg.connect(plain_dsn(admin_url))
    try:
        if await conn.fetchval(ROLE_EXISTS_SQL, role):
            await _ddl(conn, "DROP OWNED BY %I", role)
            await _ddl(conn, "DROP ROLE %I", role)
    finally:
        await conn.close()
