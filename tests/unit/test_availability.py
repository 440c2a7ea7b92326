"""Which errors mean "the database is away" (503, jobs handed back) and which are ordinary failures."""

from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from tds.db.availability import as_unavailable, is_unavailable
from tds.errors import DatabaseUnavailable, InvalidPayload


class _StateError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def _wrapped(orig: Exception, *, invalidated: bool = False) -> DBAPIError:
    return DBAPIError("SELECT 1", None, orig, connection_invalidated=invalidated)


@pytest.mark.parametrize(
    "exc",
    [
        ConnectionRefusedError(111, "refused"),
        TimeoutError(),
        PoolTimeout("pool exhausted"),
        asyncpg.CannotConnectNowError("the database system is starting up"),
        _wrapped(Exception("closed in the middle of operation"), invalidated=True),
        _wrapped(_StateError("57P01")),  # admin_shutdown: a fast shutdown ends the session
        _wrapped(_StateError("08006")),  # connection_failure
        _wrapped(_StateError("53300")),  # too_many_connections
    ],
)
def test_connection_failures_are_unavailability(exc: Exception) -> None:
    """Refused or dropped connections, shutdown codes and a starved pool all mean: try again shortly."""
    assert is_unavailable(exc)
    mapped = as_unavailable(exc, retry_after_s=9)
    assert isinstance(mapped, DatabaseUnavailable)
    assert mapped.retry_after_s == 9
    assert mapped.status_code == 503


@pytest.mark.parametrize(
    "exc",
    [
        _wrapped(_StateError("23505")),  # unique_violation: a real bug or conflict, not an outage
        IntegrityError("INSERT", None, _StateError("23502")),
        InvalidPayload("bad body"),
        ValueError("nope"),
    ],
)
def test_statement_errors_are_not_unavailability(exc: Exception) -> None:
    """A statement the server rejected is a failure of that statement; it must not read as an outage."""
    assert not is_unavailable(exc)
    assert as_unavailable(exc, retry_after_s=5) is None


def test_an_outage_wrapped_by_our_own_error_is_still_found() -> None:
    """The cause chain is followed: a driver error raised `from` inside our code still counts."""
    outer = RuntimeError("flush failed")
    outer.__cause__ = ConnectionResetError(104, "reset")
    assert is_unavailable(outer)
