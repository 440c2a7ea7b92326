"""TDS Core's own schema: the logical name its models and SQL use, translated to the configured one.

Every table, sequence and function of TDS Core lives in one schema it owns (`db.schema_name`,
default `tds`). Models declare the logical schema `tds`; raw SQL names tables as `tds.tds_…`. The
engine carries a `schema_translate_map` from the logical name to the configured one, so nothing
depends on `search_path` (a DBA's role settings or a transaction-pooling PgBouncer would break that).
Raw SQL goes through `tds_text`, which turns each `tds.` qualifier into SQLAlchemy's schema token so
that the same translation applies to it.
"""

from __future__ import annotations

import re

from sqlalchemy import TextClause, text

LOGICAL_SCHEMA = "tds"
# A schema TDS Core may own: a plain lower-case identifier, never a system or shared schema.
SCHEMA_NAME_PATTERN = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
RESERVED_SCHEMAS = frozenset({"public", "information_schema"})
# `tds.` in front of one of TDS Core's tables (tds_*), not inside another identifier.
_QUALIFIER = re.compile(r"(?<![\w.\"])tds\.(?=tds_)")
_TOKEN = f"__[SCHEMA_{LOGICAL_SCHEMA}]."


def tds_text(sql: str) -> TextClause:
    """A `text()` whose `tds.tds_…` table names follow the engine's schema translation."""
    return text(_QUALIFIER.sub(lambda _match: _TOKEN, sql))


def translate_map(schema_name: str) -> dict[str | None, str | None]:
    """The engine's schema translation: the logical schema to the configured one."""
    return {LOGICAL_SCHEMA: schema_name}


def schema_name_problem(name: str) -> str | None:
    """Why `name` cannot be TDS Core's schema, or None when it can."""
    if not SCHEMA_NAME_PATTERN.match(name):
        return "must be a lower-case identifier (letters, digits, _; at most 63 characters)"
    if name in RESERVED_SCHEMAS or name.startswith("pg_"):
        return f"{name} is a shared schema; TDS Core needs one of its own"
    return None
