"""Async engine and session factory; the caller (an entrypoint) owns each transaction."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from tds.config import DatabaseSettings
from tds.db.schema import translate_map

log = logging.getLogger(__name__)
T = TypeVar("T")


def async_url(url: str) -> str:
    """Normalises any postgres URL to the asyncpg driver SQLAlchemy needs."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)


def plain_dsn(url: str) -> str:
    """The same URL as a driver-less libpq/asyncpg DSN (for raw asyncpg connections)."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def create_engine(url: str, settings: DatabaseSettings | None = None) -> AsyncEngine:
    """Builds the engine with the configured pool and a server-side statement timeout."""
    settings = settings or DatabaseSettings()
    server_settings = {"application_name": "tds-core"}
    if settings.statement_timeout_ms:
        server_settings["statement_timeout"] = str(settings.statement_timeout_ms)
    engine = create_async_engine(
        async_url(url),
        pool_size=settings.pool_size,
        max_overflow=settings.max_overflow,
        pool_timeout=settings.pool_timeout_s,
        pool_pre_ping=False,
        hide_parameters=True,  # statement errors must not carry record data into logs
        connect_args={"server_settings": server_settings},
    )
    # TDS Core's tables are named through its logical schema; this names the configured one.
    return engine.execution_options(schema_translate_map=translate_map(settings.schema_name))


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
