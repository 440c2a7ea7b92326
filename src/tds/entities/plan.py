"""`tds erp plan`: the rows one Zoho record would write through the profile, computed without writing.

Foreign keys and look-ups are read from the database (read-only); a parent that is not there yet
is reported as the worker would retry it, instead of being written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tds.entities.mapping import MappedRecord, Row, map_record
from tds.entities.profile.compiled import EntityPlan, TargetPlan
from tds.entities.profile.expressions import Context
from tds.entities.profiled_repository import ProfiledRepository
from tds.entities.profiled_rows import project
from tds.entities.profiled_state import raw_line
from tds.entities.target import SPEC_BY_ENTITY, ErpTarget
from tds.errors import RetryLater


@dataclass
class PlannedTable:
    """The rows of one table; `on_insert_only` are the defaults an update would not write."""

    table: str
    rows: list[Row]
    on_insert_only: list[str] = field(default_factory=list)
    problem: str | None = None


def _native(target: ErpTarget, entity: str, record: MappedRecord) -> list[PlannedTable]:
    table = record.table or SPEC_BY_ENTITY[entity].tables[0]
    physical = target.tables[table]
    row = {physical.c[k].name: v for k, v in record.row.items() if k in physical.c}
    planned = [PlannedTable(target.tables.qualified_name(table), [row])]
    for name, rows in record.children.items():
        child = target.tables[name]
        planned.append(
            PlannedTable(
                target.tables.qualified_name(name),
                [{child.c[k].name: v for k, v in r.items() if k in child.c} for r in rows],
            )
        )
    return planned


async def _target_rows(
    repository: ProfiledRepository,
    plan: EntityPlan,
    target: TargetPlan,
    record: MappedRecord,
    lookups: Mapping[str, Any],
) -> list[PlannedTable]:
    ctx = Context(record.zoho_id, record.row, record.raw)
    defaults = [c.name for c in target.table.defaults]
    try:
        rows = await project(repository, plan.entity, target.table.written, [ctx], lookups)
    except RetryLater as exc:
        return [PlannedTable(target.table.name, [], defaults, f"would retry later: {exc.message}")]
    planned = [PlannedTable(target.table.name, rows, defaults)]
    for child in target.children:
        lines = record.children.get(child.of)
        if lines is None:
            continue
        contexts = [Context(record.zoho_id, line, raw_line(record.raw, line), record.row) for line in lines]
        try:
            child_rows = await project(repository, plan.entity, child.table.written, contexts, lookups)
        except RetryLater as exc:
            planned.append(PlannedTable(child.table.name, [], [], f"would retry later: {exc.message}"))
            continue
        for row in child_rows:
            row[child.parent] = f"<{child.parent_key} of the {target.table.name} row>"
        planned.append(PlannedTable(child.table.name, child_rows))
    return planned


async def plan_record(
    session: AsyncSession, target: ErpTarget, entity: str, payload: Mapping[str, Any]
) -> list[PlannedTable]:
    """The rows `payload` (one Zoho record of `entity`) would write, table by table; nothing is written.

    Raises:
        PermanentHandlerError: the payload cannot be mapped (the worker would dead-letter it).
    """
    record = map_record(entity, payload)
    mode = target.sync_mode(entity)
    if mode is None:
        return []
    if mode == "columns":
        return _native(target, entity, record)
    return await plan_profiled(session, target.plans[entity], record)


async def plan_profiled(session: AsyncSession, plan: EntityPlan, record: MappedRecord) -> list[PlannedTable]:
    """The rows a mapped record would write through one `sync: tds` entity's plan."""
    repository = ProfiledRepository(session)
    lookups = {lookup.model_dump_json(): await repository.lookup(lookup) for lookup in plan.lookups}
    planned: list[PlannedTable] = []
    for t in plan.targets:
        if t.when is None or t.when == record.table:
            planned += await _target_rows(repository, plan, t, record, lookups)
    return planned
