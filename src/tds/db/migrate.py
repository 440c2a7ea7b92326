"""Programmatic Alembic: upgrade, check and current revision, used by the CLI, the service and tests.

`upgrade` first moves an installation of the legacy layout (everything in `public`) into TDS Core's own
schema (see db/relocate.py), then applies the `tds` branch, and the `erp` branch (the default ERP
schema) only when asked: when the profile writes that schema.
"""

from __future__ import annotations

import functools
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

from tds.config import Settings
from tds.db.schema import LOGICAL_SCHEMA

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
LEGACY_DIR = MIGRATIONS_DIR / "legacy"
TDS_BRANCH = "tds"
ERP_BRANCH = "erp"


def alembic_config(url: str, schema_name: str = LOGICAL_SCHEMA, *, legacy: bool = False) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(LEGACY_DIR if legacy else MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d-%%(slug)s_%%(rev)s")
    cfg.attributes["tds_schema"] = schema_name
    return cfg


def upgrade(url: str, schema_name: str = LOGICAL_SCHEMA, *, with_erp: bool = True) -> None:
    """Brings the database to head (blocking; run it in a thread from async code): TDS Core's own
    schema always, the default ERP schema when `with_erp` (the profile writes it; one that
    `tds uninstall` kept is taken back at its revision)."""
    from tds.db.relocate import relocate_legacy  # the legacy move runs its own Alembic history

    relocate_legacy(url, schema_name)
    command.upgrade(alembic_config(url, schema_name), f"{TDS_BRANCH}@head")
    if with_erp:
        from tds.db.adopt import adopt_kept_erp  # an erp schema `tds uninstall` kept

        adopt_kept_erp(url, schema_name, branch_revisions(ERP_BRANCH))
        command.upgrade(alembic_config(url, schema_name), f"{ERP_BRANCH}@head")


def upgrade_installation(url: str, settings: Settings) -> None:
    """`upgrade` as `settings` ask: into `db.schema_name`, with the default ERP schema only when the
    profile is the packaged default (a profile of the ERP's own tables needs no `erp` schema)."""
    upgrade(url, settings.db.schema_name, with_erp=settings.erp.writes_default_schema)


def upgrade_legacy(url: str, revision: str) -> None:
    """Applies the legacy history (everything in `public`) up to `revision`."""
    command.upgrade(alembic_config(url, legacy=True), revision)


def check(url: str, schema_name: str = LOGICAL_SCHEMA) -> None:
    """Raises CommandError if the models and the migrated database disagree: `alembic check` over the
    branches the database has (TDS Core's always, the default ERP schema's where it was applied)."""
    cfg = alembic_config(url, schema_name)
    cfg.attributes["compare_only"] = True
    script = ScriptDirectory.from_config(cfg)
    with EnvironmentContext(cfg, script, fn=lambda _rev, _context: []):
        script.run_env()
    differences = cfg.attributes.get("differences")
    if differences:
        raise CommandError(f"the models and the migrations disagree: {differences}")


@functools.cache
def _script() -> ScriptDirectory:
    """The current history as shipped (read once per process: readiness asks for it on every probe)."""
    return ScriptDirectory.from_config(alembic_config("postgresql://unused"))


@functools.cache
def branch_revisions(branch: str) -> frozenset[str]:
    """Every revision of one branch (`tds` or `erp`) of the current history."""
    return frozenset(rev.revision for rev in _script().walk_revisions() if branch in rev.branch_labels)


def head_revision() -> str | None:
    """The head of the `tds` branch: the revision TDS Core's own tables must be at."""
    revision = _script().get_revision(f"{TDS_BRANCH}@head")
    return revision.revision if revision is not None else None


async def current_revision(connection: AsyncConnection, schema_name: str | None = None) -> str | None:
    """The database's revision of the `tds` branch, or None when TDS Core's tables are not there."""

    def _current(sync_conn: Connection) -> str | None:
        # By default, the schema the connection's engine translates TDS Core's logical one to.
        translation = sync_conn.get_execution_options().get("schema_translate_map") or {}
        schema = schema_name or translation.get(LOGICAL_SCHEMA, LOGICAL_SCHEMA)
        migration = MigrationContext.configure(sync_conn, opts={"version_table_schema": schema})
        found = set(migration.get_current_heads()) & branch_revisions(TDS_BRANCH)
        return next(iter(found)) if found else None

    return await connection.run_sync(_current)
