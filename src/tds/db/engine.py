"""Async engine and session factory; the caller (an entrypoint) owns each transaction."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from tds.config import DatabaseSettings
from tds.db.schema import translate_map

log = logging.getLogger(__name__)
T = TypeVar("T")

APPLICATION_NAME = "tds-core"  # what a DBA sees in pg_stat_activity
# Sets each named setting for the session (asyncpg's own placeholders: it runs on the raw connection).
SESSION_LIMITS_SQL = (
    "SELECT set_config(name, value, false) FROM unnest($1::text[], $2::text[]) AS s(name, value)"
)


def async_url(url: str) -> str:
    """Normalises any postgres URL to the asyncpg driver SQLAlchemy needs."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)


def plain_dsn(url: str) -> str:
    """The same URL as a driver-less libpq/asyncpg DSN (for raw asyncpg connections)."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def session_limits(settings: DatabaseSettings) -> dict[str, str]:
    """The limits every session carries (milliseconds); a zero leaves the role's or server's own."""
    limits = {"lock_timeout": settings.lock_timeout_ms, "statement_timeout": settings.statement_timeout_ms}
    return {name: str(ms) for name, ms in limits.items() if ms}


def create_engine(url: str, settings: DatabaseSettings | None = None) -> AsyncEngine:
    """Builds the engine with the configured pool (see DatabaseSettings.pool_limits) and the session
    limits set on each new connection."""
    settings = settings or DatabaseSettings()
    pool_size, max_overflow = settings.pool_limits()
    engine = create_async_engine(
        async_url(url),
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=settings.pool_timeout_s,
        pool_pre_ping=False,
        hide_parameters=True,  # statement errors must not carry record data into logs
        connect_args={"server_settings": {"application_name": APPLICATION_NAME}},
    )
    _set_on_connect(engine, session_limits(settings))
    # TDS Core's tables are named through its logical schema; this names the configured one.
    return engine.execution_options(schema_translate_map=translate_map(settings.schema_name))


def _set_on_connect(engine: AsyncEngine, limits: dict[str, str]) -> None:
    """Sets `limits` once per new connection, by SET rather than as startup parameters: a PgBouncer
    refuses (or, told to ignore them, drops) startup parameters it does not know, and passes a SET."""
    if not limits:
        return
    names, values = list(limits), list(limits.values())

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: object) -> None:
        dbapi_connection.run_async(lambda conn: conn.execute(SESSION_LIMITS_SQL, names, values))


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


@asynccontextmanager
async def transaction(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One unit of work: commits on success, rolls back on any exception."""
    async with sessions() as session, session.begin():
        yield session


# deadlock_detected and serialization_failure: the transaction did nothing and can run again.
RETRY_SQLSTATES = frozenset({"40P01", "40001"})


async def run_transaction(
    sessions: async_sessionmaker[AsyncSession],
    work: Callable[[AsyncSession], Awaitable[T]],
    *,
    attempts: int = 3,
) -> T:
    """Runs `work` in one transaction, again (up to `attempts` times) when PostgreSQL aborted it to
    break a deadlock or a serialization conflict; any other error propagates at once."""
    attempt = 1
    while True:
        try:
            async with sessions() as session, session.begin():
                return await work(session)
        except DBAPIError as exc:
            if attempt >= attempts or getattr(exc.orig, "sqlstate", None) not in RETRY_SQLSTATES:
                raise
            log.info("transaction aborted by the database (%s); running it again", exc.orig)
            attempt += 1
