"""Tells "the database is away" (restarting, crashed, unreachable) apart from every other error.

PostgreSQL restarting (fast or immediate) or refusing connections surfaces in many shapes: an OSError
from the socket, an asyncpg connection or operator-intervention error, SQLAlchemy's wrapper of either
with `connection_invalidated` set, or a pool that cannot hand out a connection. Each means the same to
a caller: nothing of the failed transaction is known to have happened; try again shortly. The API
maps them to 503 with Retry-After; the worker hands its jobs back instead of spending an attempt.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator

import asyncpg
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from tds.db.engine import plain_dsn
from tds.errors import DatabaseUnavailable

log = logging.getLogger(__name__)

# SQLSTATE class 08 (connection exception), class 57P (admin/crash shutdown, cannot connect now) and
# too_many_connections; see PostgreSQL's error-codes appendix.
UNAVAILABLE_SQLSTATE_PREFIXES = ("08", "57P", "53300")
ASYNCPG_UNAVAILABLE = (
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.TooManyConnectionsError,
    asyncpg.ConnectionDoesNotExistError,
)
MAX_CHAIN = 8


def error_chain(exc: BaseException) -> Iterator[BaseException]:
    """`exc` and the errors it wraps: SQLAlchemy's `orig`, else the cause or context (a few deep)."""
    current: BaseException | None = exc
    for _ in range(MAX_CHAIN):
        if current is None:
            return
        yield current
        nested = getattr(current, "orig", None)
        current = nested if isinstance(nested, BaseException) else (current.__cause__ or current.__context__)


def is_unavailable(exc: BaseException) -> bool:
    """True when `exc`, or an error it wraps, means the database could not be reached or dropped us."""
    return any(_unavailable_here(error) for error in error_chain(exc))


def as_unavailable(exc: BaseException, retry_after_s: int) -> DatabaseUnavailable | None:
    """The DatabaseUnavailable that `exc` stands for, or None when it is some other failure."""
    if isinstance(exc, DatabaseUnavailable):
        return exc
    if not is_unavailable(exc):
        return None
    return DatabaseUnavailable(retry_after_s=retry_after_s, cause=type(exc).__name__)


def _unavailable_here(exc: BaseException) -> bool:
    if isinstance(exc, (DatabaseUnavailable, OSError, PoolTimeout, *ASYNCPG_UNAVAILABLE)):
        return True  # OSError: refused, reset and timed-out sockets (TimeoutError included)
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, asyncpg.InterfaceError) and "connection" in str(exc) and "closed" in str(exc):
        return True
    sqlstate = getattr(exc, "sqlstate", None)
    return isinstance(sqlstate, str) and sqlstate.startswith(UNAVAILABLE_SQLSTATE_PREFIXES)


async def wait_for_database(url: str, timeout_s: float, *, interval_s: float = 1.0) -> None:
    """Returns once PostgreSQL accepts a connection, so that a process started while its database
    restarts comes up when the database does; raises DatabaseUnavailable after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            conn = await asyncpg.connect(plain_dsn(url), timeout=max(1.0, interval_s))
        except Exception as exc:  # refused, starting up, shutting down: each is worth one more try
            if not is_unavailable(exc) or time.monotonic() >= deadline:
                raise DatabaseUnavailable(f"the database did not answer: {type(exc).__name__}") from exc
            log.warning("waiting for the database (%s: %s)", type(exc).__name__, exc)
            await asyncio.sleep(interval_s)
            continue
        await conn.close()
        return
