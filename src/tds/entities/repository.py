"""SQL of the entity handlers: set-based reads and writes of the (remapped) ERP tables and the audit.

Every statement takes a whole batch: reads by `= ANY(:ids)`, and writes as ONE multi-row
`INSERT .. SELECT FROM unnest(:c0, :c1, ..)`: one array parameter per column, whatever the batch
size, so the SQL text (and the server's plan) is the same for every batch and no per-row work
happens between the handler and the driver. Statements are built once per physical table. Rows
are keyed by logical column names (see naming.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    ARRAY,
    Column,
    Delete,
    Select,
    Table,
    Text,
    and_,
    any_,
    bindparam,
    cast,
    delete,
    func,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB, Insert, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import ReturningInsert
from sqlalchemy.sql.elements import ColumnElement

from tds.entities.mapping import Row, to_json
from tds.entities.models import AuditEntry
from tds.entities.naming import ErpTables

# Kept out of reads: `raw` is large and only ever written; `synced_at` is bookkeeping.
_NOT_READ = frozenset({"raw", "synced_at"})
# Filled by the database (defaults, identities) or by the statement itself, never by a row.
_NOT_WRITTEN = frozenset({"synced_at", "id", "changed_at"})
_IDS = bindparam("ids", type_=ARRAY(Text))
ZOHO_KEY = ("zoho_id",)  # the conflict key of every record table
Columns = tuple[Column[Any], ...]


def _written(table: Table, *also_skipped: str) -> Columns:
    skipped = _NOT_WRITTEN | set(also_skipped)
    return tuple(column for column in table.columns if column.key not in skipped)


def written_names(table: Table) -> tuple[str, ...]:
    """The physical names of the columns the writes name (the others take the table's defaults)."""
    return tuple(column.name for column in _written(table))


def _unnest(columns: Columns, *constants: ColumnElement[Any]) -> Select[Any]:
    """`SELECT .. FROM unnest(:c0, :c1, ..)`: the batch's rows, from one array per column.

    JSON travels as text (serialised once, by to_json) and is cast back to jsonb in the query.
    """
    arrays = [
        bindparam(f"c{n}", type_=ARRAY(Text if isinstance(c.type, JSONB) else c.type))
        for n, c in enumerate(columns)
    ]
    rows = func.unnest(*arrays).table_valued(*(c.key for c in columns)).render_derived()
    values = [cast(rows.c[c.key], c.type) if isinstance(c.type, JSONB) else rows.c[c.key] for c in columns]
    return select(*values, *constants)


def lock_order(values: Iterable[Any]) -> tuple[tuple[bool, str], ...]:
    """The sort key of a row by its conflict key's values (any types, NULL last)."""
    return tuple((value is None, str(value)) for value in values)


def key_ordered(rows: Sequence[Row], key: Sequence[str]) -> list[Row]:
    """`rows` in the order of their conflict `key`. A multi-row statement locks its rows in the order
    it reads them, so writers that all sort their batches lock shared rows in one order: the second
    waits for the first instead of each holding a row the other needs (a deadlock)."""
    return sorted(rows, key=lambda row: lock_order(row[name] for name in key))


def _arrays(columns: Columns, rows: Sequence[Mapping[str, Any]]) -> dict[str, list[Any]]:
    """The parameters of `_unnest(columns)` for `rows`: column-wise lists, JSON as text."""
    params: dict[str, list[Any]] = {}
    for n, column in enumerate(columns):
        values = [row[column.key] for row in rows]
        if isinstance(column.type, JSONB):
            values = [None if value is None else to_json(value) for value in values]
        params[f"c{n}"] = values
    return params


@cache
def _select_stored(table: Table) -> Select[Any]:
    """The stored rows of a batch of records (every column but `raw`), labelled by logical name."""
    columns = [column.label(column.key) for column in table.columns if column.key not in _NOT_READ]
    return select(*columns).where(table.c.zoho_id == any_(_IDS))


@cache
def _upsert(table: Table) -> ReturningInsert[str]:
    """Insert or update, unless the stored row is newer, or is deleted and not older than the row.

    The same rule versioning.py applied in Python, re-checked by PostgreSQL under a race.
    """
    columns = _written(table)
    stmt = insert(table).from_select([c.key for c in columns], _unnest(columns))
    new = stmt.excluded
    stored_version, version = table.c.source_modified_at, new.source_modified_at
    updates: dict[Any, Any] = {c: new[c.key] for c in columns if c.key != "zoho_id"}
    updates[table.c.synced_at] = func.now()
    live_and_not_older = and_(
        not_(table.c.is_deleted),
        or_(stored_version.is_(None), version.is_(None), version >= stored_version),
    )
    deleted_but_older = and_(table.c.is_deleted, version > stored_version)
    return stmt.on_conflict_do_update(
        index_elements=[table.c.zoho_id], set_=updates, where=or_(live_and_not_older, deleted_but_older)
    ).returning(table.c.zoho_id)


@cache
def _mark_deleted(table: Table) -> ReturningInsert[str, datetime]:
    """Soft delete: flag the row (inserting it, deleted, if unknown), unless it is newer or deleted."""
    columns = _written(table, "is_deleted", "deleted_at")
    names = [c.key for c in columns] + ["is_deleted", "deleted_at"]
    stmt = insert(table).from_select(names, _unnest(columns, true(), func.now()))
    new = stmt.excluded
    updates = {
        table.c.is_deleted: true(),
        table.c.deleted_at: func.now(),
        table.c.source_modified_at: new.source_modified_at,
        table.c.synced_at: func.now(),
    }
    not_newer = or_(
        table.c.source_modified_at.is_(None), new.source_modified_at >= table.c.source_modified_at
    )
    return stmt.on_conflict_do_update(
        index_elements=[table.c.zoho_id], set_=updates, where=and_(not_(table.c.is_deleted), not_newer)
    ).returning(table.c.zoho_id, table.c.deleted_at)


@cache
def _select_children(table: Table, parent: str, order: tuple[str, ...]) -> Select[Any]:
    columns = [column.label(column.key) for column in _written(table)]
    order_by = [table.c[parent], *(table.c[key] for key in order)]
    return select(*columns).where(table.c[parent] == any_(_IDS)).order_by(*order_by)


@cache
def _delete_children(table: Table, parent: str) -> Delete:
    return delete(table).where(table.c[parent] == any_(_IDS))


@cache
def _insert(table: Table) -> Insert:
    columns = _written(table)
    return insert(table).from_select([c.key for c in columns], _unnest(columns))


@cache
def _upsert_children(table: Table, keys: tuple[str, ...]) -> Insert:
    """Per-key upsert of child rows (stock levels) that never moves a row to an older version."""
    columns = _written(table)
    stmt = insert(table).from_select([c.key for c in columns], _unnest(columns))
    new = stmt.excluded
    updates: dict[Any, Any] = {c: new[c.key] for c in columns if c.key not in keys}
    updates[table.c.synced_at] = func.now()
    stored_version = table.c.source_modified_at
    guard: ColumnElement[bool] = or_(
        stored_version.is_(None), new.source_modified_at.is_(None), new.source_modified_at >= stored_version
    )
    return stmt.on_conflict_do_update(index_elements=[table.c[k] for k in keys], set_=updates, where=guard)


_AUDIT: Table = AuditEntry.__table__  # type: ignore[assignment]


class ErpRepository:
    """Reads and writes one batch's ERP rows inside the caller's transaction (never commits)."""

    def __init__(self, session: AsyncSession, tables: ErpTables) -> None:
        self.session = session
        self.tables = tables

    async def stored(self, table: str, ids: Sequence[str]) -> dict[str, Row]:
        """The stored header rows of `ids`, by id (records not in the ERP are missing)."""
        result = await self.session.execute(_select_stored(self.tables[table]), {"ids": list(ids)})
        return {row["zoho_id"]: dict(row) for row in result.mappings()}

    async def upsert(self, table: str, rows: Sequence[Row]) -> set[str]:
        """One multi-row upsert; returns the ids PostgreSQL actually wrote (the rest lost a race)."""
        physical = self.tables[table]
        ordered = key_ordered(rows, ZOHO_KEY)
        result = await self.session.execute(_upsert(physical), _arrays(_written(physical), ordered))
        return set(result.scalars())

    async def mark_deleted(self, table: str, rows: Sequence[Row]) -> dict[str, datetime]:
        """One multi-row soft delete; returns `deleted_at` of each id actually deleted."""
        physical = self.tables[table]
        columns = _written(physical, "is_deleted", "deleted_at")
        ordered = key_ordered(rows, ZOHO_KEY)
        result = await self.session.execute(_mark_deleted(physical), _arrays(columns, ordered))
        return {zoho_id: deleted_at for zoho_id, deleted_at in result}

    async def children(
        self, table: str, parent: str, order: tuple[str, ...], parent_ids: Iterable[str]
    ) -> dict[str, list[Row]]:
        """The stored child rows of `parent_ids`, grouped by parent, in `order`."""
        stmt = _select_children(self.tables[table], parent, order)
        result = await self.session.execute(stmt, {"ids": list(parent_ids)})
        grouped: dict[str, list[Row]] = {}
        for row in result.mappings():
            grouped.setdefault(row[parent], []).append(dict(row))
        return grouped

    async def replace_children(
        self, table: str, parent: str, stale_parent_ids: Sequence[str], rows: Sequence[Row]
    ) -> None:
        """Deletes the child rows of `stale_parent_ids`, then inserts `rows` in one statement (both in
        the order of the parents; a parent's rows keep theirs)."""
        physical = self.tables[table]
        if stale_parent_ids:
            await self.session.execute(_delete_children(physical, parent), {"ids": sorted(stale_parent_ids)})
        if rows:
            ordered = key_ordered(rows, (parent,))
            await self.session.execute(_insert(physical), _arrays(_written(physical), ordered))

    async def upsert_children(self, table: str, keys: tuple[str, ...], rows: Sequence[Row]) -> None:
        if rows:
            physical = self.tables[table]
            ordered = key_ordered(rows, keys)
            await self.session.execute(_upsert_children(physical, keys), _arrays(_written(physical), ordered))

    async def add_audit(self, entries: Sequence[Row]) -> None:
        await add_audit(self.session, entries)


async def add_audit(session: AsyncSession, entries: Sequence[Row]) -> None:
    """One multi-row insert into tds_audit_trail."""
    if entries:
        await session.execute(_insert(_AUDIT), _arrays(_written(_AUDIT), entries))
