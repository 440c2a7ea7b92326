"""Batches lock their rows in one fixed order (the conflict key's): two workers writing the same rows
wait for each other instead of deadlocking, whatever order their batches came in.

A trigger that sleeps before each row is inserted makes the two statements run side by side, row by
row; written in the order they came, the two batches below would each lock a row the other needs next.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tds.config import DatabaseSettings, ErpMappingSettings
from tds.db.engine import create_engine, create_sessionmaker, plain_dsn, transaction
from tds.entities.profile.loader import parse_profile
from tds.entities.profiled_repository import ProfiledRepository
from tds.entities.target import build_handlers, compile_target
from tests import zoho_samples as z
from tests.integration.entities.conftest import make_event

ROW_DELAY_S = 0.15
IDS = ["9100001", "9100002", "9100003"]
GUEST_DDL = (
    "CREATE SCHEMA guest; CREATE TABLE guest.items (id serial PRIMARY KEY, sku text UNIQUE, name text);"
)
GUEST_PROFILE = """
version: 1
schema: guest
entities:
  item:
    targets:
      - table: items
        key: sku
        columns: {sku: zoho_id, name: name}
"""


async def run_sql(db_url: str, sql: str) -> None:
    conn = await asyncpg.connect(plain_dsn(db_url))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def slow_inserts(table: str) -> str:
    """A BEFORE INSERT trigger on `table` that sleeps before each row (an upsert's rows included)."""
    return f"""
    CREATE FUNCTION slow_row() RETURNS trigger LANGUAGE plpgsql AS
    $$ BEGIN PERFORM pg_sleep({ROW_DELAY_S}); RETURN NEW; END $$;
    CREATE TRIGGER slow_row BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION slow_row();
    """


@pytest.fixture
async def two_connections(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions over an engine of two connections: two workers at once."""
    engine: AsyncEngine = create_engine(db_url, DatabaseSettings(pool_size=2, max_overflow=0))
    yield create_sessionmaker(engine)
    await engine.dispose()


async def side_by_side(
    sessions: async_sessionmaker[AsyncSession], work: Callable[[AsyncSession, list[str]], Awaitable[Any]]
) -> None:
    """Runs `work` over IDS and over IDS reversed, in two transactions at once; both must commit."""

    async def one(ids: list[str]) -> None:
        async with transaction(sessions) as session:
            await work(session, ids)

    await asyncio.gather(one(IDS), one(IDS[::-1]))


async def test_default_schema_batches_in_opposite_orders_do_not_deadlock(
    db_url: str, two_connections: async_sessionmaker[AsyncSession]
) -> None:
    """Two item batches holding the same records in opposite orders both apply (headers and stock rows)."""
    await run_sql(db_url, slow_inserts("erp.products"))
    handler = build_handlers(ErpMappingSettings())["item"]

    async def apply(session: AsyncSession, ids: list[str]) -> None:
        await handler(session, [make_event("item", z.detail("item", item_id=i)) for i in ids])

    await side_by_side(two_connections, apply)
    async with two_connections() as session:
        found = await session.scalar(
            text("SELECT count(*) FROM erp.products WHERE zoho_id = ANY(:ids)"), {"ids": IDS}
        )
    assert found == len(IDS)


async def test_profiled_upserts_in_opposite_orders_do_not_deadlock(
    db_url: str, two_connections: async_sessionmaker[AsyncSession]
) -> None:
    """The upsert into an ERP's own table, keyed by its natural key, sorts its rows as well."""
    await run_sql(db_url, GUEST_DDL + slow_inserts("guest.items"))
    target = compile_target(parse_profile(GUEST_PROFILE), ErpMappingSettings()).plans["item"].targets[0]

    async def upsert(session: AsyncSession, ids: list[str]) -> None:
        await ProfiledRepository(session).upsert(target, [{"sku": i, "name": f"item {i}"} for i in ids])

    await side_by_side(two_connections, upsert)
    async with two_connections() as session:
        assert await session.scalar(text("SELECT count(*) FROM guest.items")) == len(IDS)
