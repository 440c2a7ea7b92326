"""Takes back the default ERP schema that `tds uninstall` kept, so that `tds migrate` can install again.

The `erp` schema's revision lives in TDS Core's version table, which `tds uninstall` drops with TDS
Core's schema. When it keeps `erp` (its tables hold ERP data), it writes that revision into the
schema's comment; the next migration run puts it back into the version table (and clears the
comment), so the `erp` branch continues from there instead of creating tables that exist.
"""

from __future__ import annotations

import asyncio
import logging
import re

from sqlalchemy import text
from sqlalchemy.engine import Connection

from tds.db.migration_lock import run_locked

log = logging.getLogger(__name__)

ERP_SCHEMA = "erp"
KEPT_COMMENT = "TDS Core's default ERP schema at revision {revision}, kept by tds uninstall"
KEPT_PATTERN = re.compile(r"^TDS Core's default ERP schema at revision (\w+), kept by tds uninstall$")

# The comment of the `erp` schema (None when the schema or its comment is absent).
ERP_COMMENT_SQL = text("SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = :name")
VERSION_TABLE_SQL = text("SELECT to_regclass(format('%I.alembic_version', CAST(:schema AS text)))")
VERSIONS_SQL = "SELECT version_num FROM {schema}.alembic_version"
INSERT_VERSION_SQL = "INSERT INTO {schema}.alembic_version (version_num) VALUES (:version)"
CLEAR_COMMENT_SQL = text(f"COMMENT ON SCHEMA {ERP_SCHEMA} IS NULL")


def kept_comment(revision: str) -> str:
    """The comment `tds uninstall` leaves on the `erp` schema it keeps (a revision id: \\w+ only)."""
    if not re.fullmatch(r"\w+", revision):
        raise ValueError(f"not a revision id: {revision!r}")
    return KEPT_COMMENT.format(revision=revision)


def _adopt(connection: Connection, schema_name: str, erp_revisions: frozenset[str]) -> str | None:
    comment = connection.execute(ERP_COMMENT_SQL, {"name": ERP_SCHEMA}).scalar()
    kept = KEPT_PATTERN.match(comment or "")
    if kept is None or kept.group(1) not in erp_revisions:
        return None
    if connection.execute(VERSION_TABLE_SQL, {"schema": schema_name}).scalar() is None:
        return None  # TDS Core's own branch creates its version table first
    schema = connection.dialect.identifier_preparer.quote(schema_name)
    versions = {row[0] for row in connection.execute(text(VERSIONS_SQL.format(schema=schema)))}
    if not versions & erp_revisions:
        connection.execute(text(INSERT_VERSION_SQL.format(schema=schema)), {"version": kept.group(1)})
    connection.execute(CLEAR_COMMENT_SQL)
    return kept.group(1)


def adopt_kept_erp(url: str, schema_name: str, erp_revisions: frozenset[str]) -> None:
    """Records the kept `erp` schema's revision in TDS Core's version table; does nothing when no
    schema was kept. Blocking: call it in a thread from async code."""
    revision = asyncio.run(run_locked(url, lambda connection: _adopt(connection, schema_name, erp_revisions)))
    if revision is not None:
        log.warning("took back the erp schema kept by tds uninstall (revision %s)", revision)
