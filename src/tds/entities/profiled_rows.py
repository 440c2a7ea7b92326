"""Rows of a profile's ERP table from mapped records: column functions, then foreign keys and look-ups."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table

from tds.entities.profile.compiled import ColumnPlan, TargetPlan
from tds.entities.profile.expressions import Context
from tds.entities.profile.model import Reference
from tds.entities.profiled_repository import ProfiledRepository
from tds.errors import RetryLater

Row = dict[str, Any]


def qualified(table: Table) -> str:
    """`schema.table`, as PostgreSQL's errors name a table (worker/classify.py)."""
    return f"{table.schema or 'public'}.{table.name}"


def text(value: object) -> str | None:
    """A key value as the statements compare it (as text)."""
    return None if value is None else str(value)


def _missing_parent(entity: str, zoho_id: str, column: str, ref: Reference, value: object) -> RetryLater:
    return RetryLater(
        f"{entity} {zoho_id}: missing parent for {column}: no {ref.table} row with {ref.key} = {value} yet",
        table=ref.table,
        key=ref.key,
        value=str(value),
    )


async def _resolve(
    repository: ProfiledRepository,
    entity: str,
    column: ColumnPlan,
    rows: list[Row],
    contexts: Sequence[Context],
) -> None:
    """Replaces each row's source value by the referenced row's column; a missing parent retries later."""
    ref = column.source.ref
    assert ref is not None
    wanted = sorted({str(row[column.name]) for row in rows if row[column.name] is not None})
    found = await repository.resolve(ref, wanted) if wanted else {}
    for row, ctx in zip(rows, contexts, strict=True):
        value = row[column.name]
        if value is None:
            continue
        if text(value) not in found:
            raise _missing_parent(entity, ctx.zoho_id, column.name, ref, value)
        row[column.name] = found[str(value)]


def _looked_up(entity: str, column: ColumnPlan, lookups: Mapping[str, Any]) -> Any:
    lookup = column.source.lookup
    assert lookup is not None
    value = lookups.get(lookup.model_dump_json())
    if value is None:
        where = ", ".join(f"{k} = {v!r}" for k, v in lookup.where.items()) or "any row"
        raise RetryLater(f"{entity}: the default of {column.name} looks up {lookup.table} ({where}): no row")
    return value


async def project(
    repository: ProfiledRepository,
    entity: str,
    columns: Sequence[ColumnPlan],
    contexts: Sequence[Context],
    lookups: Mapping[str, Any],
) -> list[Row]:
    """One row per context, every column computed; foreign keys in one read per column.

    Raises:
        RetryLater: a referenced parent row is not in the ERP yet (it may arrive after its child),
            or a look-up default finds nothing; the worker retries, then dead-letters the message.
    """
    rows = [{c.name: c.compute(ctx) for c in columns} for ctx in contexts]
    for column in columns:
        if column.source.lookup is not None:
            value = _looked_up(entity, column, lookups)
            for row in rows:
                row[column.name] = value
    references = [column for column in columns if column.source.ref is not None]
    if references:
        async with repository.planned_per_run():
            for column in references:
                await _resolve(repository, entity, column, rows, contexts)
    return rows


async def resolve_key(
    repository: ProfiledRepository, target: TargetPlan, values: Sequence[Any]
) -> list[Any] | None:
    """A natural key as the table holds it: key columns that are foreign keys resolved (None: no row)."""
    return (await resolve_keys(repository, target, {"": values}))[""]


async def resolve_keys(
    repository: ProfiledRepository, target: TargetPlan, keys: Mapping[str, Sequence[Any]]
) -> dict[str, list[Any] | None]:
    """Natural keys (by any name) as the table holds them: key columns that are foreign keys
    resolved, one read per such column (None where the referenced row is gone: no row has it)."""
    found: dict[str, list[Any] | None] = {name: list(key) for name, key in keys.items()}
    columns = {c.name: c for c in target.table.columns}
    for position, column in enumerate(target.table.key):
        ref = columns[column].source.ref
        if ref is None:
            continue
        wanted = sorted(
            {str(k[position]) for k in found.values() if k is not None and k[position] is not None}
        )
        referenced = await repository.resolve(ref, wanted) if wanted else {}
        for name, key in found.items():
            if key is not None and key[position] is not None:
                value = referenced.get(str(key[position]))
                found[name] = None if value is None else [*key[:position], value, *key[position + 1 :]]
    return found
