"""The `sync: tds` handler on its own, batch by batch: what it decides from its sync state, and how
it reads the ERP's tables (index, not a scan, whatever plan PostgreSQL had cached)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tds.config import DatabaseSettings, ErpMappingSettings
from tds.db.engine import create_engine, create_sessionmaker, transaction
from tds.entities import mapping, profiled
from tds.entities.handler import EntityEvent, EntityHandler, Outcome
from tds.entities.target import build_handlers
from tests import zoho_samples as z
from tests.integration.profiles.conftest import EXAMPLES, run_ddl


@pytest.fixture
async def one_connection(db_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine of a single connection, so that every batch runs on the same prepared statements."""
    await run_ddl(db_url, (EXAMPLES / "shop.sql").read_text())
    engine = create_engine(db_url, DatabaseSettings(pool_size=1, max_overflow=0))
    yield engine
    await engine.dispose()


@pytest.fixture
def shop_sessions(one_connection: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(one_connection)


@pytest.fixture
def handler() -> EntityHandler:
    return build_handlers(ErpMappingSettings(profile=EXAMPLES / "shop.yaml"))["item"]


def item_event(item_id: str, at: str, action: str = "upsert", **fields: Any) -> EntityEvent:
    payload = z.detail("item", item_id=item_id, last_modified_time=at, **fields)
    return EntityEvent(1, 1, "item", item_id, action, payload, "test")  # type: ignore[arg-type]


async def apply(
    sessions: async_sessionmaker[AsyncSession], handler: EntityHandler, events: list[EntityEvent]
) -> list[Outcome]:
    async with transaction(sessions) as session:
        return await handler(session, events)


async def scalar(sessions: async_sessionmaker[AsyncSession], sql: str) -> Any:
    async with transaction(sessions) as session:
        return (await session.execute(text(sql))).scalar()


async def test_the_same_record_again_is_unchanged_and_a_changed_one_is_updated(
    shop_sessions: async_sessionmaker[AsyncSession], handler: EntityHandler
) -> None:
    """Told by the input hash in tds_erp_versions: the same record at the same version writes
    nothing; the same version with other content, or a newer version, is written."""
    assert await apply(shop_sessions, handler, [item_event("7001", z.T0, rate=10)]) == [Outcome.INSERTED]
    assert await apply(shop_sessions, handler, [item_event("7001", z.T0, rate=10)]) == [Outcome.UNCHANGED]
    # Zoho edited the record without moving its version: the content decides.
    assert await apply(shop_sessions, handler, [item_event("7001", z.T0, rate=11)]) == [Outcome.UPDATED]
    assert await apply(shop_sessions, handler, [item_event("7001", z.T1, rate=12)]) == [Outcome.UPDATED]
    assert await apply(shop_sessions, handler, [item_event("7001", z.T0, rate=13)]) == [Outcome.STALE]
    assert await apply(shop_sessions, handler, [item_event("7001", z.T1, rate=12)]) == [Outcome.UNCHANGED]
    price = await scalar(shop_sessions, "SELECT unit_price FROM shop.products WHERE zoho_item_id = '7001'")
    assert price == Decimal("12.00")
    audit = await scalar(shop_sessions, "SELECT count(*) FROM tds.tds_audit_trail WHERE entity_id = '7001'")
    assert audit == 3


async def test_a_deleted_record_comes_back_only_at_a_newer_version(
    shop_sessions: async_sessionmaker[AsyncSession], handler: EntityHandler
) -> None:
    """The input hash of a deleted record never makes its record 'unchanged'."""
    await apply(shop_sessions, handler, [item_event("7002", z.T0)])
    assert await apply(shop_sessions, handler, [item_event("7002", z.T1, action="delete")]) == [
        Outcome.DELETED
    ]
    assert await apply(shop_sessions, handler, [item_event("7002", z.T1)]) == [Outcome.STALE]
    assert await apply(shop_sessions, handler, [item_event("7002", z.T2)]) == [Outcome.UPDATED]
    status = await scalar(shop_sessions, "SELECT is_active FROM shop.products WHERE zoho_item_id = '7002'")
    assert status is True


async def test_a_mixed_batch_reads_each_state_once(
    shop_sessions: async_sessionmaker[AsyncSession], handler: EntityHandler
) -> None:
    """Unchanged, updated and new records in one batch each get their own outcome."""
    await apply(shop_sessions, handler, [item_event("7101", z.T0), item_event("7102", z.T0)])
    batch = [item_event("7101", z.T0), item_event("7102", z.T1, rate=50), item_event("7103", z.T0)]
    assert await apply(shop_sessions, handler, batch) == [
        Outcome.UNCHANGED,
        Outcome.UPDATED,
        Outcome.INSERTED,
    ]


async def test_foreign_keys_resolve_by_index_after_the_table_grew(
    shop_sessions: async_sessionmaker[AsyncSession], handler: EntityHandler
) -> None:
    """The price table's product_id is resolved through shop.products by Zoho key. Statements
    first run while shop.products was small must not scan it once it is big: a cached generic plan
    would (it keeps the table's size of then until the next ANALYZE)."""
    for batch in range(8):  # past the fifth run, when PostgreSQL settles on a generic plan
        events = [item_event(f"8{batch}{n:03}", z.T0) for n in range(20)]
        await apply(shop_sessions, handler, events)
    await scalar(
        shop_sessions,
        "INSERT INTO shop.products (zoho_item_id, sku, name, category_id, unit_price, unit_of_measure,"
        " status, is_active, created_by) SELECT 'bulk-' || g, 'S', 'N', (SELECT min(id) FROM"
        " shop.categories), 1, 'PC', 'ACTIVE', true, 1 FROM generate_series(1, 20000) AS g RETURNING 1",
    )
    scans = text("SELECT seq_scan FROM pg_stat_xact_user_tables WHERE relid = 'shop.products'::regclass")
    async with transaction(shop_sessions) as session:
        # The backend's counts not yet reported, this transaction's among them: its own is the difference.
        before = (await session.execute(scans)).scalar()
        events = [item_event(f"80{n:03}", z.T1, rate=99) for n in range(5)]
        assert await handler(session, events) == [Outcome.UPDATED] * 5
        assert (await session.execute(scans)).scalar() == before
    prices = await scalar(
        shop_sessions,
        "SELECT count(*) FROM shop.product_prices pp JOIN shop.products p ON p.id = pp.product_id"
        " WHERE p.zoho_item_id LIKE '80%' AND pp.price = 99",
    )
    assert prices == 5


async def test_a_release_that_maps_differently_rewrites_records_that_come_again(
    shop_sessions: async_sessionmaker[AsyncSession], handler: EntityHandler, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The input hash holds a digest of the mapping code: the same payload under a new mapping is
    compared again (and written), not skipped as unchanged."""
    await apply(shop_sessions, handler, [item_event("7201", z.T0)])
    original = mapping.MAPPERS["item"]

    def renamed(payload: Any, fallback: str | None) -> Any:
        record = original(payload, fallback)
        return replace(record, row={**record.row, "name": f"{record.row['name']} (v2)"})

    monkeypatch.setitem(mapping.MAPPERS, "item", renamed)
    # The same code as far as the fingerprint knows: the record is told unchanged by its input.
    assert await apply(shop_sessions, handler, [item_event("7201", z.T0)]) == [Outcome.UNCHANGED]
    monkeypatch.setattr(profiled, "MAPPING_FINGERPRINT", "another release")
    assert await apply(shop_sessions, handler, [item_event("7201", z.T0)]) == [Outcome.UPDATED]
    name = await scalar(shop_sessions, "SELECT name FROM shop.products WHERE zoho_item_id = '7201'")
    assert name == f"{z.detail('item')['name']} (v2)"


async def test_a_batch_of_deletes_reaches_rows_keyed_by_a_foreign_key(
    shop_sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    """The price table is keyed by product_id (resolved through shop.products): a batch deleting two
    items finds both price rows, and leaves the third item's alone."""
    profile = yaml.safe_load((EXAMPLES / "shop.yaml").read_text())
    prices = next(t for t in profile["entities"]["item"]["targets"] if t["table"] == "product_prices")
    prices["on_delete"] = {"action": "set", "set": {"price": 0}}
    path = tmp_path / "shop.yaml"
    path.write_text(yaml.safe_dump(profile, allow_unicode=True))
    handler = build_handlers(ErpMappingSettings(profile=path))["item"]
    await apply(shop_sessions, handler, [item_event(f"730{n}", z.T0, rate=10 + n) for n in range(3)])
    deletes = [item_event(f"730{n}", z.T1, action="delete") for n in range(2)]
    assert await apply(shop_sessions, handler, deletes) == [Outcome.DELETED] * 2
    rows = await scalar(
        shop_sessions,
        "SELECT string_agg(p.zoho_item_id || '=' || pp.price, ',' ORDER BY p.zoho_item_id)"
        " FROM shop.product_prices pp JOIN shop.products p ON p.id = pp.product_id",
    )
    assert rows == "7300=0.00,7301=0.00,7302=12.00"
