"""What `tds erp check` finds: the profile compared with the database catalogue (pure; no I/O).

Every problem is collected (never the first only), each with where it is, what is wrong and the
fix, so one run of the check shows an operator everything to change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from tds.entities.profile.compiled import ColumnPlan, EntityPlan, TablePlan
from tds.entities.profile.model import Kind, Lookup, Reference

# The column types (information_schema `data_type`) each kind of value may be written into.
_ACCEPTS: dict[Kind, frozenset[str]] = {
    "text": frozenset({"text", "character varying", "character", "USER-DEFINED"}),
    "number": frozenset({"numeric", "real", "double precision", "money"}),
    "integer": frozenset({"smallint", "integer", "bigint", "numeric", "real", "double precision"}),
    "date": frozenset({"date", "timestamp with time zone", "timestamp without time zone"}),
    "timestamp": frozenset({"timestamp with time zone", "timestamp without time zone"}),
    "bool": frozenset({"boolean"}),
    "json": frozenset({"json", "jsonb"}),
}
_HINT: dict[str, str] = {
    "integer": "transform: integer",
    "smallint": "transform: integer",
    "bigint": "transform: integer",
    "numeric": "transform: number",
    "date": "transform: date",
    "boolean": "equals: <value> (or transform: bool)",
    "jsonb": "transform: json",
    "json": "transform: json",
}


@dataclass(frozen=True)
class DbColumn:
    data_type: str
    nullable: bool
    has_default: bool


@dataclass(frozen=True)
class DbCatalog:
    """The part of the database the profile names: columns by table, unique column sets, look-ups."""

    columns: Mapping[str, Mapping[str, DbColumn]]
    unique: Mapping[str, Sequence[frozenset[str]]]
    lookups_found: Mapping[str, bool] = field(default_factory=dict)


@dataclass(frozen=True)
class Problem:
    where: str
    message: str
    fix: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}\n     fix: {self.fix}"


class _Checker:
    def __init__(self, catalog: DbCatalog) -> None:
        self.catalog = catalog
        self.problems: list[Problem] = []

    def add(self, where: str, message: str, fix: str) -> None:
        self.problems.append(Problem(where, message, fix))

    def table(self, name: str) -> Mapping[str, DbColumn] | None:
        columns = self.catalog.columns.get(name)
        if columns is None:
            schema = name.rpartition(".")[0] or "(no schema)"
            self.add(name, "table not found", f"create it, or correct the table name (schema {schema})")
        return columns

    def column(self, table: str, columns: Mapping[str, DbColumn], name: str) -> DbColumn | None:
        found = columns.get(name)
        if found is None:
            known = ", ".join(sorted(columns))
            self.add(
                f"{table}.{name}", "column not found", f"correct the column name (the table has: {known})"
            )
        return found

    def unique(self, table: str, key: Iterable[str], why: str) -> None:
        wanted = frozenset(key)
        if wanted not in self.catalog.unique.get(table, ()):
            names = ", ".join(sorted(wanted))
            self.add(
                f"{table} ({names})",
                f"no unique constraint or index on exactly these columns ({why})",
                f"CREATE UNIQUE INDEX ON {table} ({names}); or choose a key that is unique",
            )

    def kind(self, table: str, plan: ColumnPlan, column: DbColumn) -> None:
        if column.data_type not in _ACCEPTS[plan.kind]:
            hint = _HINT.get(column.data_type, "a transform that yields that type")
            self.add(
                f"{table}.{plan.name}",
                f"the profile writes {plan.kind} values but the column is {column.data_type}",
                f"add `{hint}` to the column's source, or change the column type",
            )

    def reference(self, where: str, ref: Reference | Lookup) -> None:
        columns = self.table(ref.table)
        if columns is None:
            return
        names = [ref.column, ref.key] if isinstance(ref, Reference) else [ref.column, *ref.where]
        if all(self.column(ref.table, columns, name) is not None for name in names) and isinstance(
            ref, Reference
        ):
            self.unique(ref.table, [ref.key], f"{where} looks rows up by it")


def _check_table(checker: _Checker, plan: TablePlan, owned: Sequence[str], extra: Sequence[str]) -> None:
    columns = checker.table(plan.name)
    if columns is None:
        return
    for column in plan.written:
        found = checker.column(plan.name, columns, column.name)
        if found is not None:
            checker.kind(plan.name, column, found)
        if column.source.ref is not None:
            checker.reference(f"{plan.name}.{column.name}", column.source.ref)
        if column.source.lookup is not None:
            checker.reference(f"{plan.name}.{column.name}", column.source.lookup)
            if checker.catalog.lookups_found.get(column.source.lookup.model_dump_json()) is False:
                checker.add(
                    f"{plan.name}.{column.name}",
                    f"the look-up default finds no row in {column.source.lookup.table}",
                    "add the row it looks for, or change `where`",
                )
    for name in (*owned, *extra):
        checker.column(plan.name, columns, name)
    written = {c.name for c in plan.written} | set(extra)
    for name, db_column in sorted(columns.items()):
        if not db_column.nullable and not db_column.has_default and name not in written:
            checker.add(
                f"{plan.name}.{name}",
                "NOT NULL without a default, and the profile does not write it: every insert would fail",
                f"map it under `columns`, or give it a value under `defaults` ({name}: <value or look-up>)",
            )


def diagnose(
    plans: Mapping[str, EntityPlan], owned: Mapping[str, Sequence[str]], catalog: DbCatalog
) -> list[Problem]:
    """Every problem of the `sync: tds` plans against `catalog`; `owned`: each table's ERP-owned columns."""
    checker = _Checker(catalog)
    for plan in plans.values():
        for target in plan.targets:
            table = target.table
            _check_table(
                checker, table, owned.get(table.name, ()), [k for k in target.returned if k not in table.key]
            )
            if table.name in catalog.columns:
                checker.unique(table.name, table.key, "the upsert conflicts on it")
            for child in target.children:
                _check_table(checker, child.table, (), [child.parent])
    return checker.problems


def diagnose_native(tables: Mapping[str, Sequence[str]], catalog: DbCatalog) -> list[Problem]:
    """Problems of the `sync: columns` tables: each must exist with every column it is written with."""
    checker = _Checker(catalog)
    for table, columns in tables.items():
        found = checker.table(table)
        if found is not None:
            for column in columns:
                checker.column(table, found, column)
    return checker.problems


def report(
    name: str, problems: Sequence[Problem], notes: Sequence[str] = (), warnings: Sequence[Problem] = ()
) -> str:
    """The check's text: every problem, numbered, each with its fix; then warnings (with their fix,
    not failing the check) and what is worth knowing."""
    if not problems:
        lines = [f"ERP profile {name}: OK"]
    else:
        lines = [f"ERP profile {name}: {len(problems)} problem(s)"]
        lines += [f"  {n}. {problem}" for n, problem in enumerate(problems, start=1)]
    lines += [f"  warning: {warning}" for warning in warnings]
    lines += [f"  note: {note}" for note in notes]
    return "\n".join(lines)
