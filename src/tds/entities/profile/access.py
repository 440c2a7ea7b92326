"""What TDS Core does with each ERP table, and what that asks of its database role (pure; no I/O).

`tds erp check` holds these needs against what the role it connects as holds (PostgreSQL's
`has_*_privilege` functions): each missing privilege is a problem whose fix is the exact GRANT, and
each trigger that fires on TDS Core's writes is a note (the ERP's own logic, run in TDS Core's
transaction: its errors fail the batch, and its locks count against `db.lock_timeout_ms`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from tds.entities.profile.diagnose import Problem

SELECT, INSERT, UPDATE, DELETE = "SELECT", "INSERT", "UPDATE", "DELETE"
TABLE_PRIVILEGES = (SELECT, INSERT, UPDATE, DELETE)
_WHY = {
    SELECT: "TDS Core reads its rows",
    INSERT: "TDS Core inserts rows",
    UPDATE: "TDS Core updates rows",
    DELETE: "TDS Core deletes rows",
}


@dataclass(frozen=True)
class TableAccess:
    """The privileges TDS Core needs on one table, and the columns its inserts name (the others take
    their defaults: one drawn from a sequence needs USAGE on it)."""

    privileges: frozenset[str]
    written: frozenset[str] = frozenset()


@dataclass
class AccessMap:
    """What TDS Core does with each table (`schema.table`), gathered over a whole profile."""

    tables: dict[str, TableAccess] = field(default_factory=dict)

    def add(self, table: str, privileges: Iterable[str], written: Iterable[str] = ()) -> None:
        known = self.tables.get(table, TableAccess(frozenset()))
        self.tables[table] = TableAccess(known.privileges | set(privileges), known.written | set(written))


@dataclass(frozen=True)
class DbTable:
    """What the role holds on one table and on its schema; names as SQL writes them (quoted)."""

    sql_name: str
    schema_sql: str
    schema_usage: bool
    held: frozenset[str]


@dataclass(frozen=True)
class DbSequence:
    """A sequence that a column's default draws on (a serial column), and whether the role may use it."""

    table: str
    column: str
    sql_name: str
    usage: bool


@dataclass(frozen=True)
class DbTrigger:
    """An enabled trigger of the ERP on one table."""

    table: str
    name: str
    timing: str
    events: frozenset[str]
    per_row: bool
    function: str


@dataclass(frozen=True)
class DbAccess:
    """The role (as SQL writes it) and what it holds on the tables the profile names."""

    role_sql: str
    tables: Mapping[str, DbTable]
    sequences: Sequence[DbSequence] = ()
    triggers: Sequence[DbTrigger] = ()


def diagnose_access(needed: Mapping[str, TableAccess], db: DbAccess) -> list[Problem]:
    """One problem per missing privilege (schema, table, sequence), its fix the GRANT that gives it.
    A table the database does not have is left to the table check."""
    problems: list[Problem] = []
    schemas: set[str] = set()
    for table, access in sorted(needed.items()):
        found = db.tables.get(table)
        if found is None:
            continue
        if not found.schema_usage and found.schema_sql not in schemas:
            schemas.add(found.schema_sql)
            problems.append(_missing_schema_usage(table.rpartition(".")[0], found, db.role_sql))
        for privilege in TABLE_PRIVILEGES:
            if privilege in access.privileges and privilege not in found.held:
                grant = f"GRANT {privilege} ON {found.sql_name} TO {db.role_sql};"
                problems.append(Problem(table, f"no {privilege} privilege ({_WHY[privilege]})", grant))
    granted: set[str] = set()
    for sequence in db.sequences:
        inserts = needed.get(sequence.table)
        if inserts is None or INSERT not in inserts.privileges or sequence.column in inserts.written:
            continue
        if not sequence.usage and sequence.sql_name not in granted:
            granted.add(sequence.sql_name)
            problems.append(
                Problem(
                    f"{sequence.table}.{sequence.column}",
                    f"no USAGE on the sequence {sequence.sql_name} (TDS Core's inserts take the default)",
                    f"GRANT USAGE ON SEQUENCE {sequence.sql_name} TO {db.role_sql};",
                )
            )
    return problems


def _missing_schema_usage(schema: str, table: DbTable, role_sql: str) -> Problem:
    return Problem(
        schema,
        "no USAGE on the schema (TDS Core cannot reach any of its tables)",
        f"GRANT USAGE ON SCHEMA {table.schema_sql} TO {role_sql};",
    )


def trigger_notes(needed: Mapping[str, TableAccess], db: DbAccess) -> list[str]:
    """A line per trigger that fires on what TDS Core does to its table (reads fire none)."""
    notes = []
    for trigger in db.triggers:
        access = needed.get(trigger.table)
        fired = [e for e in (INSERT, UPDATE, DELETE) if access and e in access.privileges & trigger.events]
        if fired:
            level = "row" if trigger.per_row else "statement"
            notes.append(
                f"trigger {trigger.name} on {trigger.table} fires on TDS Core's writes"
                f" ({trigger.timing} {' OR '.join(fired)}, for each {level}: {trigger.function})"
            )
    return notes
