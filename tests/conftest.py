"""Shared fixtures: a real PostgreSQL per test (cloned from a migrated template), engine and sessions."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tds.config import DatabaseSettings
from tds.db.engine import create_engine, create_sessionmaker
from tests.dbutil import DatabaseServer, make_template, start_server


@pytest.fixture(scope="session")
def db_server() -> Iterator[DatabaseServer]:
    server = start_server()
    yield server
    if server.handle is not None:
        server.handle.cleanup()


@pytest.fixture(scope="session")
async def template_db(db_server: DatabaseServer) -> AsyncIterator[str]:
    name = await make_template(db_server)
    yield name
    await db_server.drop_all()


@pytest.fixture
async def db_url(db_server: DatabaseServer, template_db: str) -> AsyncIterator[str]:
    """A fresh, migrated database of this test's own (real commits allowed)."""
    name = await db_server.create(template=template_db)
    yield db_server.url_for(name)
    await db_server.drop(name)


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    eng = create_engine(db_url, DatabaseSettings(pool_size=5, max_overflow=5))
    yield eng
    await eng.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)
