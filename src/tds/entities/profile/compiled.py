"""A `sync: tds` entity compiled for the writer: typed SQL tables and the column functions.

Built once at start-up from the profile. Column types follow the kind of value each source yields
(text, number, date...), so the statements' array parameters are typed; PostgreSQL assigns them to
the ERP's own column types (integer, varchar, numeric(12,2)...), which `tds erp check` verifies.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, Boolean, Column, Date, DateTime, MetaData, Numeric, Table, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql.type_api import TypeEngine

from tds.entities.naming import LOGICAL_TABLES
from tds.entities.profile.expressions import Compiled, compile_source, const_kind, kind_of, kind_of_type
from tds.entities.profile.model import (
    ChildTable,
    DeleteRule,
    EntityProfile,
    Kind,
    Lookup,
    Profile,
    Source,
    Target,
)

SQL_TYPES: dict[Kind, TypeEngine[Any]] = {
    "text": Text(),
    "number": Numeric(),
    "integer": BigInteger(),
    "date": Date(),
    "timestamp": DateTime(timezone=True),
    "bool": Boolean(),
    "json": JSONB(),
}


@dataclass(frozen=True, eq=False)  # identity: statements are cached per plan
class ColumnPlan:
    """One written column: its name, source, value function and kind."""

    name: str
    source: Source
    compute: Compiled
    kind: Kind


@dataclass(frozen=True, eq=False)  # identity: statements are cached per plan
class TablePlan:
    """One table a record writes (a target or a child table), with its SQL table."""

    name: str
    table: Table
    key: tuple[str, ...]
    columns: tuple[ColumnPlan, ...]
    defaults: tuple[ColumnPlan, ...]

    @property
    def written(self) -> tuple[ColumnPlan, ...]:
        return self.columns + self.defaults


@dataclass(frozen=True, eq=False)  # identity: statements are cached per plan
class ChildPlan:
    table: TablePlan
    of: str
    parent: str
    parent_key: str


@dataclass(frozen=True, eq=False)  # identity: statements are cached per plan
class TargetPlan:
    table: TablePlan
    when: str | None
    version_column: str | None
    on_delete: DeleteRule
    children: tuple[ChildPlan, ...]
    returned: tuple[str, ...]  # key columns, then the children's parent keys


@dataclass(frozen=True, eq=False)  # identity: statements are cached per plan
class EntityPlan:
    entity: str
    logical: tuple[str, ...]  # the logical header tables the mapping may produce
    targets: tuple[TargetPlan, ...]
    child_collections: tuple[str, ...]
    digest: str  # of the profile as compiled (plan_digest): rows written under another are stale

    @property
    def lookups(self) -> tuple[Lookup, ...]:
        """Every look-up default of the entity's tables (resolved once per batch)."""
        tables = [t.table for t in self.targets] + [c.table for t in self.targets for c in t.children]
        found = [c.source.lookup for table in tables for c in table.written if c.source.lookup is not None]
        return tuple({lookup.model_dump_json(): lookup for lookup in found}.values())


def _types(logical: tuple[str, ...]) -> dict[str, TypeEngine[Any]]:
    found: dict[str, TypeEngine[Any]] = {}
    for name in logical:
        found.update({column.name: column.type for column in LOGICAL_TABLES[name].columns})
    return found


def _plans(sources: Mapping[str, Source], types: Mapping[str, TypeEngine[Any]]) -> tuple[ColumnPlan, ...]:
    plans = []
    for name, source in sources.items():
        kind = kind_of(source, types)
        coerce = None if _already_of_kind(source, kind, types) else kind
        plans.append(ColumnPlan(name, source, compile_source(source, coerce), kind))
    return tuple(plans)


def _already_of_kind(source: Source, kind: Kind, types: Mapping[str, TypeEngine[Any]]) -> bool:
    """Whether every value `source` can yield is of `kind` already (a mapped column read as it is)."""
    plain = (
        source.transform is None and source.equals is None and not source.values and source.template is None
    )
    constant_fits = source.const is None or const_kind(source.const) == kind
    logical = bool(source.from_) and all(kind_of_type(types[n]) == kind for n in source.from_ if n in types)
    return plain and constant_fits and logical and all(n in types for n in source.from_)


def _table(
    metadata: MetaData,
    qualified: str,
    key: tuple[str, ...],
    columns: tuple[ColumnPlan, ...],
    extra: Mapping[str, Kind],
) -> Table:
    """The SQL table: written columns typed by kind, plus `extra` (returned or set-on-delete) columns."""
    schema, _, name = qualified.rpartition(".")
    sql_columns = [Column(c.name, SQL_TYPES[c.kind], primary_key=c.name in key) for c in columns]
    known = {c.name for c in columns}
    sql_columns += [Column(n, SQL_TYPES[kind]) for n, kind in extra.items() if n not in known]
    return Table(name, metadata, *sql_columns, schema=schema or None)


def _table_plan(
    metadata: MetaData,
    qualified: str,
    key: tuple[str, ...],
    columns: Mapping[str, Source],
    defaults: Mapping[str, Source],
    types: Mapping[str, TypeEngine[Any]],
    extra: Mapping[str, Kind],
) -> TablePlan:
    written, inserted = _plans(columns, types), _plans(defaults, types)
    table = _table(metadata, qualified, key, written + inserted, extra)
    return TablePlan(qualified, table, key, written, inserted)


def _child(profile: Profile, metadata: MetaData, child: ChildTable, parent: TablePlan) -> ChildPlan:
    types = _types((child.of,))
    parent_kind: Kind = next((c.kind for c in parent.written if c.name == child.parent_key), "integer")
    qualified = profile.qualified(child.table)
    plan = _table_plan(
        metadata, qualified, (), child.columns, child.defaults, types, {child.parent: parent_kind}
    )
    return ChildPlan(plan, child.of, child.parent, child.parent_key)


def _target(profile: Profile, metadata: MetaData, target: Target, logical: tuple[str, ...]) -> TargetPlan:
    types = _types((target.when,) if target.when else logical)
    parent_keys = tuple(child.parent_key for child in target.children)
    extra: dict[str, Kind] = {key: "integer" for key in parent_keys}
    extra.update({column: const_kind(value) for column, value in target.on_delete.set.items()})
    qualified = profile.qualified(target.table)
    table = _table_plan(metadata, qualified, target.key, target.columns, target.defaults, types, extra)
    children = tuple(_child(profile, metadata, child, table) for child in target.children)
    returned = tuple(dict.fromkeys((*target.key, *parent_keys)))
    return TargetPlan(table, target.when, target.version_column, target.on_delete, children, returned)


def plan_digest(profile: Profile, spec: EntityProfile, targets: tuple[TargetPlan, ...]) -> str:
    """A stable digest of one entity's compiled profile: its spec as loaded (JSON, keys sorted), the
    schema its table names resolve in, and the kind each written column is typed as. A profile
    edit that changes what a record writes changes it; comments and key order in the file do not."""
    tables = [t.table for t in targets] + [c.table for t in targets for c in t.children]
    document = {
        "schema": profile.schema_,
        "spec": spec.model_dump(mode="json", by_alias=True),
        "columns": sorted([t.name, c.name, c.kind] for t in tables for c in t.written),
    }
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


def compile_entity(
    profile: Profile, entity: str, spec: EntityProfile, logical: tuple[str, ...]
) -> EntityPlan:
    """The writer's plan of one `sync: tds` entity; `logical` are the entity's mapped header tables."""
    # One MetaData per target: two targets may write one table (customers and vendors in `parties`).
    targets = tuple(_target(profile, MetaData(), target, logical) for target in spec.targets)
    collections = tuple(dict.fromkeys(c.of for t in targets for c in t.children))
    return EntityPlan(entity, logical, targets, collections, plan_digest(profile, spec, targets))
