"""What TDS Core created in the database, and `tds uninstall`: its schema dropped, the ERP's left alone.

TDS Core owns one schema (`db.schema_name`): every table, sequence and function of its own, and its
Alembic version table. With the packaged default profile its migrations also created the default ERP
schema (`erp`); whether they did is read from the version table (an `erp` revision there), never
guessed from the schema's name. That schema's tables hold ERP data, so it is dropped only when asked
in so many words. A profile's tables belong to the ERP and are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tds.db.adopt import kept_comment
from tds.db.engine import transaction
from tds.db.migrate import ERP_BRANCH, branch_revisions
from tds.entities.tables import ERP_METADATA, ERP_SCHEMA
from tds.errors import UninstallError
from tds.installation.repository import InstallationRepository, SchemaObject

VERSION_TABLE = "alembic_version"


@dataclass(frozen=True)
class InstalledSchema:
    """One schema TDS Core created, and the objects in it now."""

    name: str
    objects: list[SchemaObject]

    def foreign(self, expected_tables: frozenset[str]) -> list[str]:
        """Tables, views and functions that are not among `expected_tables` (schema-less names)."""
        kinds = {"table", "view", "materialized view", "foreign table", "function", "procedure"}
        own = {f"{self.name}.{table}" for table in expected_tables}
        return [o.name for o in self.objects if o.kind in kinds and o.name not in own]


@dataclass(frozen=True)
class Installation:
    """TDS Core's schema (None when absent) and the default ERP schema when its migrations made it."""

    schema_name: str
    own: InstalledSchema | None
    erp: InstalledSchema | None
    erp_revision: str | None = None  # the erp branch's row in TDS Core's version table

    @property
    def version_table(self) -> str:
        return f"{self.schema_name}.{VERSION_TABLE}"


class InstallationService:
    """Lists and removes what TDS Core created; each call is one transaction of its own."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], schema_name: str) -> None:
        self.sessions = sessions
        self.schema_name = schema_name

    async def inspect(self) -> Installation:
        """What is installed now (reads only)."""
        async with transaction(self.sessions) as session:
            return await self._inspect(InstallationRepository(session))

    async def uninstall(self, *, with_erp_schema: bool = False) -> Installation:
        """Drops TDS Core's schema (and the default ERP schema when `with_erp_schema`); returns what
        was there. Nothing is dropped when anything outside depends on it (UninstallError names it).

        Raises:
            UninstallError: nothing to drop, the ERP schema not TDS Core's, or a dependent outside.
        """
        async with transaction(self.sessions) as session:
            repository = InstallationRepository(session)
            found = await self._inspect(repository)
            schemas = self._to_drop(found, with_erp_schema)
            dependents = await repository.outside_dependents(schemas)
            if dependents:
                raise UninstallError(
                    f"objects outside {' and '.join(schemas)} depend on them and would be dropped with "
                    f"them: {'; '.join(dependents)}. Drop or change those first; nothing was dropped",
                    dependents=dependents,
                )
            if found.erp is not None and found.erp_revision and found.erp.name not in schemas:
                # kept: its revision goes with it, for `tds migrate` to take it back (db/adopt.py)
                await repository.comment_schema(found.erp.name, kept_comment(found.erp_revision))
            await repository.drop_schemas(schemas)
            return found

    def _to_drop(self, found: Installation, with_erp_schema: bool) -> list[str]:
        if found.own is None:
            raise UninstallError(f"TDS Core's schema {self.schema_name} does not exist: nothing to uninstall")
        if not with_erp_schema:
            return [found.own.name]
        if found.erp is None:
            raise UninstallError(
                f"the {ERP_SCHEMA} schema was not created by TDS Core's migrations (no {ERP_BRANCH} "
                f"revision in {found.version_table}); it is left alone. Run without --with-erp-schema"
            )
        foreign = found.erp.foreign(frozenset(table.name for table in ERP_METADATA.tables.values()))
        if foreign:
            raise UninstallError(
                f"the {ERP_SCHEMA} schema also holds objects TDS Core did not create: {', '.join(foreign)}. "
                "Move or drop them first, or run without --with-erp-schema; nothing was dropped"
            )
        return [found.own.name, found.erp.name]

    async def _inspect(self, repository: InstallationRepository) -> Installation:
        if not await repository.schema_exists(self.schema_name):
            return Installation(self.schema_name, None, None)
        own = InstalledSchema(self.schema_name, await repository.objects(self.schema_name))
        erp_versions = set(await repository.version_rows(self.schema_name)) & branch_revisions(ERP_BRANCH)
        if not erp_versions or not await repository.schema_exists(ERP_SCHEMA):
            return Installation(self.schema_name, own, None)
        erp = InstalledSchema(ERP_SCHEMA, await repository.objects(ERP_SCHEMA))
        return Installation(self.schema_name, own, erp, max(erp_versions))
