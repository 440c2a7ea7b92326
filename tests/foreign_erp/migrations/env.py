"""Alembic environment of the foreign ERP: migrates on the connection its caller passes in `attributes`."""

from __future__ import annotations

from alembic import context

config = context.config


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("the foreign ERP migrates only on a connection given in config.attributes")
    # The ERP's version table is its own, in public, whatever the connection's search_path says.
    context.configure(connection=connection, version_table="alembic_version", version_table_schema="public")
    with context.begin_transaction():
        context.run_migrations()


run()
