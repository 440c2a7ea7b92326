"""SQL of the `sync: tds` writer: ERP tables of a profile, and their sync state in tds_erp_versions.

Set-based like repository.py: one statement per table per batch, rows travelling as one array per
column (`unnest`). Natural keys and foreign-key values are compared as text, so one statement
serves a key of any column type.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from functools import cache
from typing import Any

import orjson
from sqlalchemy import (
    ARRAY,
    Column,
    MetaData,
    Select,
    Table,
    Text,
    and_,
    any_,
    bindparam,
    case,
    cast,
    delete,
    func,
    literal_column,
    not_,
    or_,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement, Grouping

from tds.entities.models import ErpVersion
from tds.entities.profile.compiled import ChildPlan, TablePlan, TargetPlan
from tds.entities.profile.model import Lookup, Reference
from tds.entities.repository import _arrays, _unnest, key_ordered, lock_order

Row = dict[str, Any]
_PLAN_PER_RUN = text("SET LOCAL plan_cache_mode = force_custom_plan")
_PLAN_AS_CONFIGURED = text("SET LOCAL plan_cache_mode TO DEFAULT")
_VERSIONS: Table = ErpVersion.__table__  # type: ignore[assignment]
_STATE_COLUMNS = tuple(c for c in _VERSIONS.columns if c.key != "updated_at")
_TEXTS = ARRAY(Text)
# A state without its documents (read as text, separately) and without its bookkeeping columns.
_BRIEF_COLUMNS = tuple(c for c in _VERSIONS.columns if c.key not in ("entity", "updated_at", "doc", "keys"))


@cache
def _select_states() -> Select[Any]:
    """The sync states of a batch of records of one entity, with the documents as JSON text (parsed
    by orjson)."""
    documents = [cast(_VERSIONS.c.doc, Text).label("doc"), cast(_VERSIONS.c["keys"], Text).label("keys")]
    return select(*_BRIEF_COLUMNS, *documents).where(
        _VERSIONS.c.entity == bindparam("entity"), _VERSIONS.c.zoho_id == any_(bindparam("ids", type_=_TEXTS))
    )


@cache
def _select_changed_states() -> Select[Any]:
    """Like _select_states, for records that come with the hash of their input (`:hashes`, in the
    order of `:ids`): a state whose input hash is the same (and that is not deleted) comes without
    its documents, which the record does not need (it is unchanged)."""
    ids, hashes = bindparam("ids", type_=_TEXTS), bindparam("hashes", type_=_TEXTS)
    incoming = Grouping(hashes)[func.array_position(ids, _VERSIONS.c.zoho_id)]
    same = and_(not_(_VERSIONS.c.is_deleted), _VERSIONS.c.input_hash == incoming)
    documents = [
        case((same, None), else_=cast(_VERSIONS.c[name], Text)).label(name) for name in ("doc", "keys")
    ]
    return select(*_BRIEF_COLUMNS, *documents).where(
        _VERSIONS.c.entity == bindparam("entity"), _VERSIONS.c.zoho_id == any_(ids)
    )


@cache
def _save_states(deleting: bool) -> Any:
    """Writes sync states unless the stored one is newer (the rule of repository.py's upsert)."""
    stmt = insert(_VERSIONS).from_select([c.key for c in _STATE_COLUMNS], _unnest(_STATE_COLUMNS))
    new, old = stmt.excluded, _VERSIONS.c
    updates: dict[Any, Any] = {c: new[c.key] for c in _STATE_COLUMNS if c.key not in ("entity", "zoho_id")}
    updates[old.updated_at] = func.now()
    not_older = or_(old.source_modified_at.is_(None), new.source_modified_at >= old.source_modified_at)
    if deleting:
        guard: ColumnElement[bool] = and_(not_(old.is_deleted), not_older)
    else:
        live = and_(not_(old.is_deleted), or_(new.source_modified_at.is_(None), not_older))
        guard = or_(live, and_(old.is_deleted, new.source_modified_at > old.source_modified_at))
    return stmt.on_conflict_do_update(
        index_elements=[old.entity, old.zoho_id], set_=updates, where=guard
    ).returning(old.zoho_id)


def _as_text(columns: Sequence[Column[Any]]) -> ColumnElement[Any]:
    return tuple_(*(cast(column, Text) for column in columns))


def _key_rows(names: Sequence[str]) -> Select[Any]:
    """`SELECT .. FROM unnest(:k0, :k1, ..)`: key tuples as text."""
    arrays = [bindparam(f"k{n}", type_=_TEXTS) for n in range(len(names))]
    return select(func.unnest(*arrays).table_valued(*names).render_derived())


def _key_params(keys: Sequence[Sequence[Any]], width: int) -> dict[str, list[str | None]]:
    return {f"k{n}": [None if k[n] is None else str(k[n]) for k in keys] for n in range(width)}


@cache
def _upsert_target(target: TargetPlan) -> Any:
    """Insert with every column (defaults too); on conflict update the mapped columns only."""
    plan = target.table
    table = plan.table
    columns = tuple(table.c[c.name] for c in plan.written)
    stmt = insert(table).from_select([c.key for c in columns], _unnest(columns))
    updates: dict[Any, Any] = {
        table.c[c.name]: stmt.excluded[c.name] for c in plan.columns if c.name not in plan.key
    }
    if not updates:  # a table of keys only: still touch the row so that RETURNING sees it
        updates = {table.c[plan.key[0]]: stmt.excluded[plan.key[0]]}
    guard = None
    if target.version_column is not None:
        stored, new = table.c[target.version_column], stmt.excluded[target.version_column]
        guard = or_(stored.is_(None), new.is_(None), new >= stored)
    upsert = stmt.on_conflict_do_update(
        index_elements=[table.c[k] for k in plan.key], set_=updates, where=guard
    )
    # xmax = 0 tells a row this statement inserted from one it updated (PostgreSQL's own marker).
    inserted = literal_column("xmax").cast(Text) == "0"
    return upsert.returning(*(table.c[name] for name in target.returned), inserted.label("tds_inserted"))


def _child_columns(plan: TablePlan, parent: str) -> tuple[Column[Any], ...]:
    names = [c.name for c in plan.written] + [parent]
    return tuple(plan.table.c[name] for name in dict.fromkeys(names))


@cache
def _insert_children(plan: TablePlan, parent: str) -> Any:
    columns = _child_columns(plan, parent)
    return insert(plan.table).from_select([c.key for c in columns], _unnest(columns))


@cache
def _delete_children(plan: TablePlan, parent: str) -> Any:
    return delete(plan.table).where(
        cast(plan.table.c[parent], Text) == any_(bindparam("parents", type_=_TEXTS))
    )


def _foreign(table: str, *columns: str) -> Table:
    schema, _, name = table.rpartition(".")
    return Table(name, MetaData(), *(Column(c, Text) for c in dict.fromkeys(columns)), schema=schema or None)


@cache
def _resolve(ref: Reference) -> Select[Any]:
    """The referenced column of the rows whose Zoho key is one of `:values`."""
    table = _foreign(ref.table, ref.key, ref.column)
    key = cast(table.c[ref.key], Text)
    return select(key, table.c[ref.column]).where(key == any_(bindparam("values", type_=_TEXTS)))


def lookup_statement(lookup: Lookup) -> Select[Any]:
    """The first value of a look-up default."""
    table = _foreign(lookup.table, lookup.column, *lookup.where)
    conditions = [cast(table.c[column], Text) == str(value) for column, value in lookup.where.items()]
    return select(table.c[lookup.column]).where(*conditions).limit(1)


class ProfiledRepository:
    """Reads and writes one batch of a `sync: tds` entity inside the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def states(self, entity: str, ids: Sequence[str]) -> dict[str, Row]:
        """The sync states of `ids` by id: version, hashes, deleted flag, the mapped row as last
        applied (`doc`) and its natural keys (`keys`)."""
        if not ids:
            return {}
        result = await self.session.execute(_select_states(), {"entity": entity, "ids": list(ids)})
        return _parsed(result.mappings())

    async def changed_states(self, entity: str, inputs: Mapping[str, str | None]) -> dict[str, Row]:
        """The sync states of the records of `inputs` ({id: input hash, or None}) in one read: `doc`
        and `keys` are None where the stored input hash is the record's (see _select_changed_states)."""
        if not inputs:
            return {}
        params = {"entity": entity, "ids": list(inputs), "hashes": list(inputs.values())}
        result = await self.session.execute(_select_changed_states(), params)
        return _parsed(result.mappings())

    @asynccontextmanager
    async def planned_per_run(self) -> AsyncIterator[None]:
        """Statements planned at each run inside the block, for reads of an ERP's table by an array
        of keys (the foreign keys). A prepared statement settles on a generic plan after five runs;
        that plan guesses ten keys per array and keeps the table as big as it was then: made while a
        table was filling, it scans the whole table until the next ANALYZE. Not for the writes: a
        plan per run for each foreign-key check of every row written costs more than it saves."""
        await self.session.execute(_PLAN_PER_RUN)
        yield
        await self.session.execute(_PLAN_AS_CONFIGURED)  # not after an error: the transaction is over

    async def save_states(self, rows: Sequence[Row], *, deleting: bool) -> set[str]:
        """Writes sync states; returns the ids written (the others lost a race to a newer version)."""
        if not rows:
            return set()
        ordered = key_ordered(rows, ("zoho_id",))  # of one entity: the conflict key's other half
        result = await self.session.execute(_save_states(deleting), _arrays(_STATE_COLUMNS, ordered))
        return set(result.scalars())

    async def resolve(self, ref: Reference, values: Sequence[object]) -> dict[str, Any]:
        """{source value as text: referenced value} for the values that have a row."""
        result = await self.session.execute(_resolve(ref), {"values": [str(v) for v in values]})
        return {key: value for key, value in result}

    async def lookup(self, lookup: Lookup) -> Any:
        return (await self.session.execute(lookup_statement(lookup))).scalar()

    async def upsert(self, target: TargetPlan, rows: Sequence[Row]) -> list[Row]:
        """One multi-row upsert; returns the key columns and parent keys of each row written."""
        columns = tuple(target.table.table.c[c.name] for c in target.table.written)
        ordered = key_ordered(rows, target.table.key)
        result = await self.session.execute(_upsert_target(target), _arrays(columns, ordered))
        return [dict(row) for row in result.mappings()]

    async def replace_children(
        self, child: ChildPlan, parents: Sequence[object], rows: Sequence[Row]
    ) -> None:
        """Deletes the child rows of `parents`, then inserts `rows` (one statement each, both in the
        order of the parents; a parent's rows keep theirs)."""
        if parents:
            params = {"parents": sorted(str(p) for p in parents)}
            await self.session.execute(_delete_children(child.table, child.parent), params)
        if rows:
            columns = _child_columns(child.table, child.parent)
            ordered = key_ordered(rows, (child.parent,))
            await self.session.execute(_insert_children(child.table, child.parent), _arrays(columns, ordered))

    async def delete_rows(self, target: TargetPlan, keys: Sequence[Sequence[Any]]) -> None:
        """Deletes rows by natural key, their child rows first (the ERP's FKs may not cascade)."""
        table, key = target.table.table, target.table.key
        matching = _as_text([table.c[k] for k in key]).in_(_key_rows(key))
        params = _key_params(sorted(keys, key=lock_order), len(key))
        for child in target.children:
            parents = select(table.c[child.parent_key]).where(matching)
            stmt = delete(child.table.table).where(child.table.table.c[child.parent].in_(parents))
            await self.session.execute(stmt, params)
        await self.session.execute(delete(table).where(matching), params)

    async def set_columns(
        self, target: TargetPlan, keys: Sequence[Sequence[Any]], values: Mapping[str, Any]
    ) -> None:
        """Sets constant columns on rows by natural key (a soft delete in the ERP's own terms)."""
        table, key = target.table.table, target.table.key
        matching = _as_text([table.c[k] for k in key]).in_(_key_rows(key))
        stmt = update(table).where(matching).values(dict(values))
        await self.session.execute(stmt, _key_params(sorted(keys, key=lock_order), len(key)))

    async def existing_keys(
        self, table: str, key: Sequence[str], keys: Sequence[Sequence[Any]]
    ) -> set[tuple[str | None, ...]]:
        """Those of `keys` (natural keys of `table`) that `table` holds a row for, as text."""
        if not keys:
            return set()
        ad_hoc = _foreign(table, *key)
        columns = [ad_hoc.c[k] for k in key]
        stmt = select(*(cast(c, Text) for c in columns)).where(_as_text(columns).in_(_key_rows(key)))
        result = await self.session.execute(stmt, _key_params(keys, len(key)))
        return {tuple(row) for row in result}

    async def rows_by_key(self, table: str, key: Sequence[str], keys: Sequence[Sequence[Any]]) -> list[Row]:
        """Every column of the rows of `table` whose natural key is one of `keys` (as the ERP has them)."""
        stmt = text_select(table, key)
        result = await self.session.execute(stmt, _key_params(keys, len(key)))
        return [dict(row) for row in result.mappings()]


def _parsed(rows: Iterable[Mapping[str, Any]]) -> dict[str, Row]:
    states = {row["zoho_id"]: dict(row) for row in rows}
    for state in states.values():
        for name in ("doc", "keys"):
            state[name] = None if state[name] is None else orjson.loads(state[name])
    return states


def text_select(table: str, key: Sequence[str]) -> Any:
    """`SELECT * FROM table WHERE (key::text, ..) IN (unnest ..)`, for reading rows back."""
    ad_hoc = _foreign(table, *key)
    matching = _as_text([ad_hoc.c[k] for k in key]).in_(_key_rows(key))
    return select(literal_column("*")).select_from(ad_hoc).where(matching)
