"""Fixtures for the entity handler tests: events, a batch runner, and readers of ERP and audit rows."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tds.config import DatabaseSettings, ErpMappingSettings
from tds.db.engine import create_engine, transaction
from tds.entities import catalog
from tds.entities.handler import EntityEvent, EntityHandler, Outcome
from tds.entities.handlers import SPECS, ChildSpec
from tds.entities.mapping import map_record
from tds.entities.mapping import values as v
from tds.entities.target import build_handlers
from tests import zoho_samples as z
from tests.dbutil import DatabaseServer

_JOBS = itertools.count(1)
Apply = Callable[..., Awaitable[list[Outcome]]]


def make_event(
    entity: str,
    payload: dict[str, Any] | None = None,
    *,
    action: str = "upsert",
    entity_id: str | None = None,
    modified: str | None = None,
    source: str = "webhook",
) -> EntityEvent:
    """An event as the worker hands it over; `entity_id` defaults to the payload's id."""
    payload = payload if payload is not None else {}
    if entity_id is None:
        entity_id = v.ident(payload.get(catalog.get(entity).id_field), "id") or ""
    job = next(_JOBS)
    return EntityEvent(
        job_id=job,
        inbox_event_id=job + 10_000,
        entity=entity,
        entity_id=entity_id,
        action=action,  # type: ignore[arg-type]
        payload=payload,
        source=source,
        source_modified_at=v.timestamp(modified, "modified"),
    )


def version_of(entity: str, at: str, **overrides: Any) -> EntityEvent:
    """The sample record of `entity` at version `at` (in the payload when the entity has versions)."""
    payload = z.detail(entity, **overrides)
    if "last_modified_time" in payload:
        payload["last_modified_time"] = at
    return make_event(entity, payload, modified=at)


def delete_of(entity: str, at: str, payload: dict[str, Any] | None = None) -> EntityEvent:
    """A delete delivery carrying only the record's id (as most deletes do)."""
    zoho_id = map_record(entity, z.detail(entity)).zoho_id
    return make_event(entity, payload or {}, action="delete", entity_id=zoho_id, modified=at)


def table_of(entity: str, payload: dict[str, Any] | None = None) -> str:
    table = map_record(entity, payload or z.detail(entity)).table
    assert table is not None
    return table


def children_of(entity: str) -> tuple[ChildSpec, ...]:
    return next(spec.children for spec in SPECS if spec.entity == entity)


@pytest.fixture(scope="module")
async def module_engine(db_server: DatabaseServer, template_db: str) -> AsyncIterator[AsyncEngine]:
    """One migrated database for the module's tests (each test rolls its changes back)."""
    name = await db_server.create(template=template_db)
    engine = create_engine(db_server.url_for(name), DatabaseSettings(pool_size=2, max_overflow=0))
    yield engine
    await engine.dispose()
    await db_server.drop(name)


@pytest.fixture
async def sessions(module_engine: AsyncEngine) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on one connection inside an outer transaction, rolled back after the test.

    Overrides the per-test database of tests/conftest.py: cloning a database costs ~0.5 s and
    these tests need no real commit. A session's commit releases a savepoint instead
    (`join_transaction_mode="create_savepoint"`), so code that commits still runs as written.
    """
    async with module_engine.connect() as connection:
        outer = await connection.begin()
        yield async_sessionmaker(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False, autoflush=False
        )
        await outer.rollback()


@pytest.fixture
def handlers() -> dict[str, EntityHandler]:
    return build_handlers(ErpMappingSettings())


@pytest.fixture
def apply(sessions: async_sessionmaker[AsyncSession], handlers: dict[str, EntityHandler]) -> Apply:
    """Runs one batch through its entity's handler in one committed transaction."""

    async def _apply(*events: EntityEvent, using: dict[str, EntityHandler] | None = None) -> list[Outcome]:
        async with transaction(sessions) as session:
            return await (using or handlers)[events[0].entity](session, list(events))

    return _apply


@pytest.fixture
def fetch(sessions: async_sessionmaker[AsyncSession]) -> Callable[..., Awaitable[list[dict[str, Any]]]]:
    """Rows of a table (`schema.table` or an `erp` table) matching the given column values."""

    async def _fetch(table: str, order_by: str = "", **where: Any) -> list[dict[str, Any]]:
        name = table if "." in table else f"erp.{table}"
        clause = " AND ".join(f"{column} = :{column}" for column in where) or "true"
        order = f" ORDER BY {order_by}" if order_by else ""
        sql = f"SELECT *, xmin::text AS row_version FROM {name} WHERE {clause}{order}"
        async with sessions() as session:
            result = await session.execute(text(sql), where)
            return [dict(row) for row in result.mappings()]

    return _fetch


@pytest.fixture
def audit(sessions: async_sessionmaker[AsyncSession]) -> Callable[..., Awaitable[Sequence[dict[str, Any]]]]:
    async def _audit(entity_id: str) -> Sequence[dict[str, Any]]:
        sql = "SELECT * FROM tds.tds_audit_trail WHERE entity_id = :id ORDER BY id"
        async with sessions() as session:
            return [dict(r) for r in (await session.execute(text(sql), {"id": entity_id})).mappings()]

    return _audit
