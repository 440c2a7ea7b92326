"""`tds erp check` and the start-up check: the ERP profile validated against the live database.

Reads the tables, columns, types, nullability and unique indexes of every table the profile
names (and of the tables its foreign keys and look-ups read), and the privileges the connected role
holds on them, and reports every problem at once with its fix (a missing privilege: its GRANT).
Triggers that fire on TDS Core's writes are listed as notes. The service runs the same check before
it starts and refuses a broken profile.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from tds.config import ErpMappingSettings
from tds.entities.check_repository import CheckRepository
from tds.entities.handlers import RecordSpec
from tds.entities.profile.access import (
    DELETE,
    INSERT,
    SELECT,
    UPDATE,
    AccessMap,
    TableAccess,
    diagnose_access,
    trigger_notes,
)
from tds.entities.profile.compiled import TargetPlan
from tds.entities.profile.diagnose import Problem, diagnose, diagnose_native, report
from tds.entities.profile.model import Lookup
from tds.entities.repository import written_names
from tds.entities.target import SPEC_BY_ENTITY, ErpTarget, build_target
from tds.errors import ConfigurationError

UPSERT = (SELECT, INSERT, UPDATE)  # an upsert reads (the conflict, RETURNING), inserts and updates


@dataclass(frozen=True)
class CheckResult:
    """The outcome of a check: the profile's name, its problems, notes (triggers that fire on TDS
    Core's writes), warnings (records written under another profile: the check still passes), and
    the printable report."""

    name: str
    problems: list[Problem]
    notes: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def text(self) -> str:
        return report(self.name, self.problems, self.notes, self.warnings)


def _native_tables(target: ErpTarget) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for entity, spec in target.profile.entities.items():
        if spec.sync != "columns":
            continue
        record_spec = SPEC_BY_ENTITY[entity]
        for logical in (*record_spec.tables, *(child.table for child in record_spec.children)):
            table = target.tables[logical]
            found[target.tables.qualified_name(logical)] = [column.name for column in table.columns]
    return found


def _read_tables(target: ErpTarget) -> tuple[list[str], list[Lookup]]:
    tables: list[str] = list(_native_tables(target))
    lookups: list[Lookup] = []
    for plan in target.plans.values():
        for t in plan.targets:
            tables.append(t.table.name)
            for table in (t.table, *(child.table for child in t.children)):
                tables.append(table.name)
                for column in table.written:
                    if column.source.ref is not None:
                        tables.append(column.source.ref.table)
                    if column.source.lookup is not None:
                        tables.append(column.source.lookup.table)
        lookups += list(plan.lookups)
    return tables, lookups


def _accesses(target: ErpTarget) -> dict[str, TableAccess]:
    """What TDS Core does with each table of `target`: the privileges it needs, the columns it inserts."""
    found = AccessMap()
    for entity, spec in target.profile.entities.items():
        if spec.sync == "columns":
            _native_access(found, target, SPEC_BY_ENTITY[entity])
    for plan in target.plans.values():
        for t in plan.targets:
            _profiled_access(found, t)
    return found.tables


def _native_access(found: AccessMap, target: ErpTarget, spec: RecordSpec) -> None:
    """Header rows are read, upserted and soft-deleted; child rows replaced (delete, insert) or upserted."""
    for logical in spec.tables:
        found.add(target.tables.qualified_name(logical), UPSERT, written_names(target.tables[logical]))
    for child in spec.children:
        privileges = (*UPSERT, DELETE) if child.replace else UPSERT
        table = target.tables[child.table]
        found.add(target.tables.qualified_name(child.table), privileges, written_names(table))


def _profiled_access(found: AccessMap, target: TargetPlan) -> None:
    """A target's rows are upserted (and deleted, by its rule); its child rows replaced; the tables its
    foreign keys and look-up defaults name are read."""
    deletes = (DELETE,) if target.on_delete.action == "delete" else ()
    found.add(target.table.name, (*UPSERT, *deletes), [c.name for c in target.table.written])
    for child in target.children:
        written = [*(c.name for c in child.table.written), child.parent]
        found.add(child.table.name, (SELECT, INSERT, DELETE), written)
    for plan in (target.table, *(child.table for child in target.children)):
        for column in plan.written:
            for read in (column.source.ref, column.source.lookup):
                if read is not None:
                    found.add(read.table, (SELECT,))


async def check_target(session: AsyncSession, target: ErpTarget) -> tuple[list[Problem], list[str]]:
    """Every problem of `target` against the database `session` is connected to, and the notes
    (reads only)."""
    repository = CheckRepository(session)
    tables, lookups = _read_tables(target)
    needed = _accesses(target)
    access = await repository.access(list(needed))
    readable = {name for name, held in access.tables.items() if held.schema_usage and SELECT in held.held}
    catalog = await repository.catalog(tables, lookups, readable)
    owned = {
        target.profile.qualified(t.table): t.owned
        for spec in target.profile.entities.values()
        for t in spec.targets
    }
    problems = diagnose_native(_native_tables(target), catalog) + diagnose(target.plans, owned, catalog)
    return problems + diagnose_access(needed, access), trigger_notes(needed, access)


async def check_erp(session: AsyncSession, settings: ErpMappingSettings) -> CheckResult:
    """The check of the profile `settings` name (a profile that does not load is one problem)."""
    name = str(settings.profile) if settings.profile is not None else "default (erp.*)"
    try:
        target = build_target(settings)
    except ConfigurationError as exc:
        return CheckResult(
            name, [Problem("profile", exc.message, "correct the profile file or the TDS_ERP__* settings")]
        )
    problems, notes = await check_target(session, target)
    return CheckResult(name, problems, notes, await stale_profile_warnings(session, target))


async def stale_profile_warnings(session: AsyncSession, target: ErpTarget) -> list[Problem]:
    """One warning per `sync: tds` entity with records whose rows were written under another profile
    (or before the profile's digest was kept): they change only when they come again."""
    digests = {entity: plan.digest for entity, plan in target.plans.items()}
    counts = await CheckRepository(session).written_under_other_profiles(digests) if digests else None
    return [
        Problem(
            entity,
            f"{count} record(s) were written under another version of the profile",
            f"tds erp reapply {entity}",
        )
        for entity, count in sorted((counts or {}).items())
    ]
