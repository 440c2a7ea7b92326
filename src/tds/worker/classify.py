"""One classifier for every failure of a job: what to do with it, and whether the breaker hears of it.

Used by the worker (retry, dead-letter at once, wait for a parent), the circuit breaker (only
infrastructure failures count: one record's bad data never delays another record) and, through the
verdict stored with each dead letter, the healer (only transient dead letters are retried).

    verdict       when                                              then
    transient     40001, 40P01, 55P03, 57014, 08*, 57P*, 53300,     retried on the schedule; counts
                  connection loss
    wait_parent   RetryLater, 23503 (foreign key)                   retried on the schedule; not counted
    race          23505 on the write's own conflict key             retried once; not counted
    permanent     PermanentHandlerError, any other class 22 or 23   dead-lettered after this attempt
                  error, a mapping error, a missing required field
    unknown       anything else (a bug, an unforeseen error)        retried on the schedule; counts

Messages name tables, columns and constraints, never a value of the record.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from tds.db.availability import error_chain, is_unavailable
from tds.db.contention import BUSY_SQLSTATES
from tds.errors import DatabaseBusy, DatabaseUnavailable, PermanentHandlerError, RetryLater

FOREIGN_KEY = "23503"
UNIQUE = "23505"
NOT_NULL = "23502"
CHECK = "23514"
# "Key (customer_id, x)=(…) …": the column list, without the values that follow it.
_KEY_COLUMNS = re.compile(r"Key \(([^)]*)\)=")
_REFERENCED = re.compile(r'table "([^"]+)"')


class Verdict(StrEnum):
    TRANSIENT = "transient"
    WAIT_PARENT = "wait_parent"
    RACE = "race"
    PERMANENT = "permanent"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Failure:
    """The classifier's answer: what to do, what to say, and which error class to record."""

    verdict: Verdict
    message: str
    error_class: str
    delay_s: float | None = None  # a handler's own RetryLater delay
    sqlstate: str = ""  # PostgreSQL's, for a database error

    @property
    def counts_for_breaker(self) -> bool:
        """Only failures that may stop every record of the entity open its breaker."""
        return self.verdict in (Verdict.TRANSIENT, Verdict.UNKNOWN)

    @property
    def permanent(self) -> bool:
        return self.verdict is Verdict.PERMANENT

    @property
    def line(self) -> str:
        """The one line logs and dead letters show: the error class, then the message."""
        return f"{self.error_class}: {self.message}" if self.message else self.error_class


def sqlstate_error(exc: BaseException) -> BaseException | None:
    """The innermost error in `exc`'s chain that carries a SQLSTATE: the driver's own, with the table,
    column and constraint PostgreSQL reported (the adapters around it carry the SQLSTATE only)."""
    found = None
    for error in error_chain(exc):
        if isinstance(getattr(error, "sqlstate", None), str):
            found = error
    return found


def classify(exc: BaseException, conflict_keys: Mapping[str, frozenset[str]] | None = None) -> Failure:
    """Decides `exc`. `conflict_keys`: the key columns each table is written under (`schema.table`),
    which tell a race on the write's own key from a clash with another unique constraint."""
    if isinstance(exc, RetryLater):
        return Failure(Verdict.WAIT_PARENT, exc.message, type(exc).__name__, exc.delay_s)
    if isinstance(exc, PermanentHandlerError):
        return Failure(Verdict.PERMANENT, exc.message, type(exc).__name__)
    if isinstance(exc, DatabaseUnavailable | DatabaseBusy):
        return Failure(Verdict.TRANSIENT, exc.message, type(exc).__name__)
    error = sqlstate_error(exc)
    state = str(getattr(error, "sqlstate", "")) if error is not None else ""
    if state in BUSY_SQLSTATES:
        return Failure(Verdict.TRANSIENT, _first_line(error or exc), "DatabaseBusy")
    if is_unavailable(exc):
        return Failure(Verdict.TRANSIENT, _first_line(error or exc), "DatabaseUnavailable")
    if error is not None and state.startswith(("22", "23")):
        keys = (conflict_keys or {}).get(_table(error), frozenset())
        own_key = bool(keys) and frozenset(key_columns(str(getattr(error, "detail", "") or ""))) == keys
        return _data_failure(error, state, own_key)
    return Failure(Verdict.UNKNOWN, _first_line(exc), type(exc).__name__)


def _data_failure(error: BaseException, state: str, own_key: bool) -> Failure:
    return replace(_data_verdict(error, state, own_key), sqlstate=state)


def _data_verdict(error: BaseException, state: str, own_key: bool) -> Failure:
    table = _table(error)
    column = getattr(error, "column_name", None)
    constraint = getattr(error, "constraint_name", None)
    detail = str(getattr(error, "detail", "") or "")
    columns = ", ".join(key_columns(detail))
    if state == FOREIGN_KEY:
        parent = _group(_REFERENCED, detail) or "its parent table"
        message = f"{table}.{columns or '?'} refers to a row of {parent} that is not there yet ({constraint})"
        return Failure(Verdict.WAIT_PARENT, message, "MissingParent")
    if state == UNIQUE:
        taken = f"{table}: another row already has the record's {columns or 'key'} ({constraint})"
        if own_key:
            return Failure(Verdict.RACE, f"{taken}; written concurrently, tried again", "WriteRace")
        return Failure(Verdict.PERMANENT, taken, "UniqueViolation")
    if state == NOT_NULL:
        return Failure(
            Verdict.PERMANENT, f"{table}.{column} is NOT NULL; the record gives it no value", "NotNull"
        )
    if state == CHECK:
        return Failure(
            Verdict.PERMANENT, f"{table}: the record breaks check constraint {constraint}", "CheckViolation"
        )
    return Failure(Verdict.PERMANENT, _without_values(error), _condition(error))


def key_columns(detail: str) -> list[str]:
    """The columns a constraint violation's DETAIL names (`Key (a, b)=(…)`), without their values."""
    return [c.strip() for c in _group(_KEY_COLUMNS, detail).split(",") if c.strip()]


def _group(pattern: re.Pattern[str], text: str) -> str:
    found = pattern.search(text)
    return found.group(1) if found else ""


def _table(error: BaseException) -> str:
    schema, table = getattr(error, "schema_name", None), getattr(error, "table_name", None)
    if table is None:
        return "?"
    return f"{schema}.{table}" if schema else str(table)


def _condition(error: BaseException) -> str:
    """The driver's exception name (`StringDataRightTruncationError` -> `StringDataRightTruncation`)."""
    name = type(error).__name__
    return name.removesuffix("Error") or "DataError"


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _without_values(error: BaseException) -> str:
    """PostgreSQL's message up to the value it quotes (`invalid input syntax for type integer: "12.5"`
    becomes `invalid input syntax for type integer`)."""
    line = _first_line(error)
    return line.split(': "', 1)[0].split(": '", 1)[0]
