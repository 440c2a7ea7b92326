"""A gentle guest in the ERP's database: every session carries its limits and its name, and a process
takes no more connections than it is given."""

from __future__ import annotations

from contextlib import AsyncExitStack

import pytest
from sqlalchemy import text
from sqlalchemy.exc import TimeoutError as PoolTimeout

from tds.config import DatabaseSettings
from tds.db.engine import create_engine

# The sessions of TDS Core's engine on this database, as a DBA would count them.
OURS = text(
    "SELECT count(*) FROM pg_stat_activity"
    " WHERE datname = current_database() AND application_name = 'tds-core'"
)
SHOW = text(
    "SELECT current_setting('lock_timeout'), current_setting('statement_timeout'),"
    " current_setting('application_name')"
)


async def test_every_pooled_session_carries_the_limits_and_the_name(db_url: str) -> None:
    """Each connection the pool opens waits 5 s at most for a lock, runs a statement 30 s at most,
    and shows as tds-core in pg_stat_activity."""
    engine = create_engine(db_url, DatabaseSettings())
    try:
        async with engine.connect() as first, engine.connect() as second:
            for connection in (first, second):
                assert tuple((await connection.execute(SHOW)).one()) == ("5s", "30s", "tds-core")
    finally:
        await engine.dispose()


async def test_a_zero_limit_leaves_the_servers_setting(db_url: str) -> None:
    """lock_timeout_ms=0 sets nothing: the role's or the server's own setting (here none) applies."""
    engine = create_engine(db_url, DatabaseSettings(lock_timeout_ms=0, statement_timeout_ms=1500))
    try:
        async with engine.connect() as connection:
            assert tuple((await connection.execute(SHOW)).one()) == ("0", "1500ms", "tds-core")
    finally:
        await engine.dispose()


async def test_the_pool_opens_no_more_than_max_connections_leave_it(db_url: str) -> None:
    """With max_connections=6 the pool holds 5 (one is the worker's LISTEN); a sixth checkout waits,
    and the server sees five tds-core sessions."""
    settings = DatabaseSettings(pool_size=10, max_overflow=10, max_connections=6, pool_timeout_s=0.2)
    engine = create_engine(db_url, settings)
    try:
        async with AsyncExitStack() as held:
            for _ in range(5):
                connection = await held.enter_async_context(engine.connect())
            with pytest.raises(PoolTimeout):
                await held.enter_async_context(engine.connect())
            sessions = await connection.scalar(OURS)
        assert sessions == 5
    finally:
        await engine.dispose()
