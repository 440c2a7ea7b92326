"""What both Alembic environments run: one connection, one runner at a time, in the right schema.

Every process may migrate at start (`db.migrate_on_start`), so several can start on an empty or older
database together. A transaction-scoped advisory lock makes them take turns: the first applies the
upgrade, the others wait for its commit and then find the schema at head.

The current history (`versions/`) keeps its version table, like every table of TDS Core, in TDS Core's
own schema (`tds_schema` in the Alembic config, default `tds`); its DDL names the logical schema `tds`,
which the connection's schema translation turns into the configured one. It has two branches: `tds`
(TDS Core's own tables, always applied) and `erp` (the default ERP schema, applied only when the
profile writes it). The legacy history (`legacy/`) is the layout of releases that kept everything in
`public`; it runs only to bring such an installation to its last revision before it is moved.

Writing a revision: `op.create_table` and `op.create_index` go through SQLAlchemy's DDL and follow the
translation of `schema="tds"`; operations Alembic renders itself (`add_column`, `alter_column`,
`drop_column`, constraints) and raw SQL do not, so they name `schema=own_schema()`.
"""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

from tds.db.migration_lock import ensure_schema, migration_engine, take_migration_lock
from tds.db.schema import LOGICAL_SCHEMA, translate_map

ERP_BRANCH = "erp"
COMPARE_ONLY = "compare_only"  # a config attribute: compare the models with the database, change nothing


def own_schema() -> str:
    """The schema the running migration writes TDS Core's objects into."""
    return str(context.config.attributes.get("tds_schema") or LOGICAL_SCHEMA)


def _target_metadata(connection: Connection, schema: str) -> list[MetaData]:
    """TDS Core's tables always; the default ERP schema's only where this database has that branch, so
    that `alembic check` depends on the database, not on the settings of whoever runs it."""
    from tds.migrations.metadata import ERP_METADATA, TDS_METADATA

    migration = MigrationContext.configure(connection, opts={"version_table_schema": schema})
    heads = migration.get_current_heads()
    script = context.script
    erp_heads = {rev.revision for rev in script.walk_revisions() if ERP_BRANCH in rev.branch_labels}
    return [TDS_METADATA, ERP_METADATA] if erp_heads & set(heads) else [TDS_METADATA]


def _run(connection: Connection, *, legacy: bool) -> None:
    from tds.migrations.metadata import include_object

    schema = own_schema()
    options: dict[str, Any] = {"include_object": include_object, "compare_type": True}
    if not legacy:
        connection = connection.execution_options(schema_translate_map=translate_map(schema))
        options |= {"include_schemas": True, "version_table_schema": schema}
    with connection.begin():
        take_migration_lock(connection)
        if legacy:
            context.configure(connection=connection, **options)
            context.run_migrations()
        elif context.config.attributes.get(COMPARE_ONLY):
            _compare(connection, schema, options)
        else:
            ensure_schema(connection, schema)
            options["target_metadata"] = _target_metadata(connection, schema)
            context.configure(connection=connection, **options)
            context.run_migrations()


def _compare(connection: Connection, schema: str, options: dict[str, Any]) -> None:
    """`alembic check` for the branches this database has: the differences between the models and the
    database go to the config's `differences` attribute; nothing is created or changed."""
    metadata = _target_metadata(connection, schema)
    context.configure(connection=connection, target_metadata=metadata, **options)
    context.config.attributes["differences"] = compare_metadata(context.get_context(), metadata)  # type: ignore[arg-type]


async def _run_online(url: str, *, legacy: bool) -> None:
    engine = migration_engine(url)
    async with engine.connect() as connection:
        await connection.run_sync(lambda sync: _run(sync, legacy=legacy))
    await engine.dispose()


def run(*, legacy: bool = False) -> None:
    """The body of env.py."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection, legacy=legacy)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL given to Alembic (set TDS_DB__URL or use `tds migrate`)")
    asyncio.run(_run_online(url, legacy=legacy))
