"""Which errors mean "the database was busy" (a lock or statement timeout, a deadlock): retried."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.exc import DBAPIError, IntegrityError

from tds.api.unavailable import install_unavailable_handler
from tds.config_operations import HealerSettings
from tds.db.availability import is_unavailable
from tds.db.contention import as_busy, is_busy
from tds.errors import DatabaseBusy


class _StateError(Exception):
    def __init__(self, sqlstate: str, message: str = "") -> None:
        super().__init__(message or sqlstate)
        self.sqlstate = sqlstate


def _wrapped(orig: Exception) -> DBAPIError:
    return DBAPIError("UPDATE shop.products ...", None, orig)


@pytest.mark.parametrize(
    ("sqlstate", "message"),
    [
        ("55P03", "canceling statement due to lock timeout"),
        ("57014", "canceling statement due to statement timeout"),
        ("40P01", "deadlock detected"),
        ("40001", "could not serialize access due to concurrent update"),
    ],
)
def test_timeouts_and_deadlocks_are_busy(sqlstate: str, message: str) -> None:
    """Lock and statement timeouts, deadlocks and serialization failures become DatabaseBusy, caused by
    the driver's error, with PostgreSQL's message and the SQLSTATE (and are not an outage)."""
    exc = _wrapped(_StateError(sqlstate, message))
    busy = as_busy(exc, retry_after_s=7)
    assert is_busy(exc)
    assert isinstance(busy, DatabaseBusy)
    assert busy.message == f"{message} (SQLSTATE {sqlstate})"
    assert (busy.__cause__, busy.retry_after_s, busy.status_code) == (exc, 7, 503)
    assert not is_unavailable(exc)


@pytest.mark.parametrize(
    "exc",
    [
        IntegrityError("INSERT", None, _StateError("23505")),  # unique_violation: the record's own
        _wrapped(_StateError("22001")),  # string_data_right_truncation
        _wrapped(_StateError("57P01")),  # admin_shutdown: an outage, not contention
        ValueError("bad total"),
    ],
)
def test_other_failures_are_not_busy(exc: Exception) -> None:
    """A record's own fault, or the database going away, is not contention."""
    assert not is_busy(exc)
    assert as_busy(exc) is None


def test_busy_dead_letters_are_transient_for_the_healer() -> None:
    """A job dead-lettered as DatabaseBusy is one the healer's default policy replays."""
    assert "DatabaseBusy" in HealerSettings().transient_errors


async def test_the_api_answers_a_busy_database_with_503_and_retry_after() -> None:
    """A request whose statement hit a lock timeout answers 503 with Retry-After (Zoho may send again)."""
    app = FastAPI()
    install_unavailable_handler(app, retry_after_s=4)

    @app.post("/busy")
    async def _busy() -> None:
        raise _wrapped(_StateError("55P03", "canceling statement due to lock timeout"))

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        answer = await client.post("/busy")
    assert (answer.status_code, answer.headers["Retry-After"]) == (503, "4")
    assert answer.json()["error"] == "DatabaseBusy"
