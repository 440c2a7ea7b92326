"""`tds erp check` and the start-up check: the ERP profile validated against the live database.

Reads the tables, columns, types, nullability and unique indexes of every table the profile
names (and of the tables its foreign keys and look-ups read), and reports every problem at once
with its fix. The service runs the same check before it starts and refuses a broken profile.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from tds.config import ErpMappingSettings
from tds.entities.check_repository import CheckRepository
from tds.entities.profile.diagnose import Problem, diagnose, diagnose_native, report
from tds.entities.profile.model import Lookup
from tds.entities.target import SPEC_BY_ENTITY, ErpTarget, build_target
from tds.errors import ConfigurationError


@dataclass(frozen=True)
class CheckResult:
    """The outcome of a check: the profile's name, its problems, and the printable report."""

    name: str
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def text(self) -> str:
        return report(self.name, self.problems)


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


async def check_target(session: AsyncSession, target: ErpTarget) -> list[Problem]:
    """Every problem of `target` against the database `session` is connected to (reads only)."""
    tables, lookups = _read_tables(target)
    catalog = await CheckRepository(session).catalog(tables, lookups)
    owned = {
        target.profile.qualified(t.table): t.owned
        for spec in target.profile.entities.values()
        for t in spec.targets
    }
    return diagnose_native(_native_tables(target), catalog) + diagnose(target.plans, owned, catalog)


async def check_erp(session: AsyncSession, settings: ErpMappingSettings) -> CheckResult:
    """The check of the profile `settings` name (a profile that does not load is one problem)."""
    name = str(settings.profile) if settings.profile is not None else "default (erp.*)"
    try:
        target = build_target(settings)
    except ConfigurationError as exc:
        return CheckResult(
            name, [Problem("profile", exc.message, "correct the profile file or the TDS_ERP__* settings")]
        )
    return CheckResult(name, await check_target(session, target))
