"""InboxService and InboxBatcher against PostgreSQL: dedup, batches, races and failed transactions."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from tds.db.engine import async_url, create_sessionmaker
from tds.db.schema import LOGICAL_SCHEMA, translate_map
from tds.entities.catalog import get
from tds.errors import InvalidPayload
from tds.inbox.batcher import InboxBatcher
from tds.inbox.records import IncomingRecord
from tds.inbox.service import InboxService

INBOX = InboxService(max_attempts=4)


def item(item_id: str, version: str = "2026-01-06T08:00:00+0300", source: str = "pull", **extra: object):
    record = {"item_id": item_id, "name": f"item {item_id}", "last_modified_time": version, **extra}
    return IncomingRecord.from_record(get("item"), record, source=source)


def contact(contact_id: str) -> IncomingRecord:
    return IncomingRecord.from_record(get("contact"), {"contact_id": contact_id}, source="webhook")


async def rows(engine: AsyncEngine, sql: str) -> list[tuple[object, ...]]:
    async with engine.connect() as conn:
        return [tuple(row) for row in await conn.execute(text(sql))]


class TestAcceptMany:
    async def test_results_follow_input_order_and_repeats_are_duplicates(
        self, sessions: async_sessionmaker[AsyncSession], engine: AsyncEngine
    ) -> None:
        """A batch mixing new, already-stored and repeated records answers each in input order."""
        async with sessions() as session, session.begin():
            (first,) = await INBOX.accept_many(session, [item("1")])
        async with sessions() as session, session.begin():
            results = await INBOX.accept_many(session, [item("2"), item("1"), item("3"), item("2")])
        assert [r.status for r in results] == ["accepted", "duplicate", "accepted", "duplicate"]
        assert results[1].event_id == first.event_id
        assert results[3].event_id == results[0].event_id
        queued = await rows(engine, "SELECT entity_key FROM tds.tds_sync_queue ORDER BY id")
        assert queued == [("item:1",), ("item:2",), ("item:3",)]

    async def test_batches_larger_than_the_statement_size_are_all_stored_in_order(
        self, sessions: async_sessionmaker[AsyncSession], engine: AsyncEngine
    ) -> None:
        """Records beyond one statement's batch size go in further statements, queue order kept."""
        small = InboxService(max_attempts=9, batch_size=3)
        async with sessions() as session, session.begin():
            results = await small.accept_many(session, [item(str(n)) for n in range(7)])
        assert all(r.is_new for r in results)
        queued = await rows(engine, "SELECT entity_key, max_attempts FROM tds.tds_sync_queue ORDER BY id")
        assert queued == [(f"item:{n}", 9) for n in range(7)]

    async def test_pulled_record_and_webhook_of_one_version_dedupe(
        self, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        """The source is not part of the key: a webhook after the same pulled version is a duplicate."""
        async with sessions() as session, session.begin():
            pulled = await INBOX.accept(session, item("5", source="pull"))
            pushed = await INBOX.accept(session, item("5", source="webhook"))
        assert (pulled.status, pushed.status) == ("accepted", "duplicate")
        assert pushed.event_id == pulled.event_id

    async def test_record_with_nul_is_refused_before_anything_is_written(
        self, sessions: async_sessionmaker[AsyncSession], engine: AsyncEngine
    ) -> None:
        """A NUL character (PostgreSQL cannot store it) fails the call before any row is written."""
        with pytest.raises(InvalidPayload, match="NUL"):
            async with sessions() as session, session.begin():
                await INBOX.accept_many(session, [item("1"), item("2", name="a\u0000b")])
        assert await rows(engine, "SELECT count(*) FROM tds.tds_inbox_events") == [(0,)]

    async def test_duplicate_committed_by_a_racing_transaction_is_reported_with_its_id(
        self, sessions: async_sessionmaker[AsyncSession], engine: AsyncEngine
    ) -> None:
        """A key inserted by a transaction that commits while ours waits answers duplicate, its id."""
        async with sessions() as first_session:
            await first_session.begin()
            first = await INBOX.accept(first_session, item("7"))

            async def second() -> object:
                async with sessions() as session, session.begin():
                    return await INBOX.accept(session, item("7"))

            racing = asyncio.create_task(second())
            await asyncio.sleep(0.2)  # the second statement is now waiting on the unique index
            assert not racing.done()
            await first_session.commit()
            result = await racing
        assert result.status == "duplicate"  # type: ignore[attr-defined]
        assert result.event_id == first.event_id  # type: ignore[attr-defined]
        assert await rows(engine, "SELECT count(*) FROM tds.tds_sync_queue") == [(1,)]

    async def test_rejected_body_is_kept_once_without_a_queue_row(
        self, sessions: async_sessionmaker[AsyncSession], engine: AsyncEngine
    ) -> None:
        """reject() keeps the raw body with status rejected and its error; a repeat keeps nothing new."""
        parts = {
            "source": "webhook",
            "path_entity": "item",
            "entity": "item",
            "headers": {},
            "error": "400 bad",
        }
        async with sessions() as session, session.begin():
            first = await INBOX.reject(session, raw_body=b"{bad\x00\xff", **parts)  # type: ignore[arg-type]
            again = await INBOX.reject(session, raw_body=b"{bad\x00\xff", **parts)  # type: ignore[arg-type]
        assert first is not None
        assert again is None
        stored = await rows(engine, "SELECT status, error, raw_body FROM tds.tds_inbox_events")
        assert stored == [("rejected", "400 bad", "{bad\ufffd\ufffd")]
        assert await rows(engine, "SELECT count(*) FROM tds.tds_sync_queue") == [(0,)]


class TestBatcher:
    async def test_concurrent_deliveries_share_transactions(
        self, sessions: async_sessionmaker[AsyncSession], engine: AsyncEngine
    ) -> None:
        """Thirty deliveries arriving together are all stored, in one shared transaction."""
        batcher = InboxBatcher(sessions, INBOX, max_flushes=2)
        results = await asyncio.gather(*(batcher.accept(item(str(n))) for n in range(30)))
        assert all(r.is_new for r in results)
        assert len({r.event_id for r in results}) == 30
        assert batcher.flushes == 1
        assert await rows(engine, "SELECT count(*) FROM tds.tds_sync_queue") == [(30,)]

    async def test_identical_concurrent_deliveries_store_one_event(
        self, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        """Identical deliveries coalesced into one batch: one accepted, the rest duplicates of it."""
        batcher = InboxBatcher(sessions, INBOX)
        results = await asyncio.gather(*(batcher.accept(item("1")) for _ in range(10)))
        assert sorted(r.status for r in results) == ["accepted"] + ["duplicate"] * 9
        assert len({r.event_id for r in results}) == 1

    async def test_failed_flush_fails_its_deliveries_and_writes_none_of_them(
        self, sessions: async_sessionmaker[AsyncSession], engine: AsyncEngine
    ) -> None:
        """When the database refuses a batch, each of its deliveries fails and no half rows remain."""
        async with engine.begin() as conn:
            await conn.execute(
                text("ALTER TABLE tds.tds_sync_queue ADD CONSTRAINT no_contacts CHECK (entity <> 'contact')")
            )
        batcher = InboxBatcher(sessions, INBOX, max_flushes=1)
        deliveries = [item("1"), contact("2"), item("3"), item("4")]
        outcomes = await asyncio.gather(*(batcher.accept(d) for d in deliveries), return_exceptions=True)
        assert isinstance(outcomes[1], Exception)
        stored = {row[0] for row in await rows(engine, "SELECT entity_id FROM tds.tds_inbox_events")}
        succeeded = {
            d.entity_id for d, o in zip(deliveries, outcomes, strict=True) if not isinstance(o, Exception)
        }
        assert stored == succeeded
        assert "2" not in stored
        assert await rows(engine, "SELECT count(*) FROM tds.tds_sync_queue") == [(len(succeeded),)]

    async def test_bad_record_fails_alone_before_joining_a_batch(
        self, sessions: async_sessionmaker[AsyncSession], engine: AsyncEngine
    ) -> None:
        """A record that cannot be stored raises for its caller only; its neighbours are stored."""
        batcher = InboxBatcher(sessions, INBOX)
        outcomes = await asyncio.gather(
            batcher.accept(item("1")), batcher.accept(item("2", name="\u0000")), return_exceptions=True
        )
        assert isinstance(outcomes[1], InvalidPayload)
        assert await rows(engine, "SELECT entity_id FROM tds.tds_inbox_events") == [("1",)]

    async def test_batch_aborted_to_break_a_deadlock_is_retried(
        self, db_url: str, sessions: async_sessionmaker[AsyncSession], engine: AsyncEngine
    ) -> None:
        """A batch and a transaction taking the same keys in opposite orders: the aborted batch reruns."""
        # The batch's connections detect deadlocks quickly, the other transaction's slowly, so it is
        # the batch that PostgreSQL aborts.
        batch_engine = create_async_engine(
            async_url(db_url), connect_args={"server_settings": {"deadlock_timeout": "300"}}
        ).execution_options(schema_translate_map=translate_map(LOGICAL_SCHEMA))
        batcher = InboxBatcher(create_sessionmaker(batch_engine), INBOX)
        try:
            async with sessions() as other:
                await other.begin()
                await other.execute(text("SET LOCAL deadlock_timeout = '20s'"))
                held = await INBOX.accept(other, item("A"))
                batch = asyncio.gather(batcher.accept(item("B")), batcher.accept(item("A")))
                await wait_for_lock_waiters(engine, 1)  # the batch holds B and waits for A
                other_b = asyncio.create_task(INBOX.accept(other, item("B")))
                results = await asyncio.wait_for(wait_then_commit(other, other_b, batch), timeout=15)
        finally:
            await batch_engine.dispose()
        assert [r.status for r in results] == ["duplicate", "duplicate"]
        assert results[1].event_id == held.event_id
        assert await rows(engine, "SELECT count(*) FROM tds.tds_sync_queue") == [(2,)]


async def wait_for_lock_waiters(engine: AsyncEngine, count: int) -> None:
    query = text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE wait_event_type = 'Lock' AND datname = current_database()"
    )
    for _ in range(200):
        async with engine.connect() as conn:
            if await conn.scalar(query) >= count:
                return
        await asyncio.sleep(0.01)
    raise AssertionError("no transaction started waiting on a lock")


async def wait_then_commit(other: AsyncSession, other_b: asyncio.Task[object], batch: asyncio.Future[list]):
    """The other transaction's insert of B completes once the batch is aborted; then it commits."""
    await other_b
    await other.commit()
    return await batch
