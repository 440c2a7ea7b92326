"""Two claims racing for one record's jobs, as out-of-order intake commits can make them: one wins."""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tds.queue.repository import QueueRepository

INBOX = text(
    "INSERT INTO tds.tds_inbox_events (source, entity, entity_id, idempotency_key, content_hash, payload) "
    "VALUES ('webhook', 'item', '1', :key, 'h', '{}') RETURNING id"
)
JOB = text(
    "INSERT INTO tds.tds_sync_queue (inbox_event_id, entity, entity_key) VALUES (:inbox, 'item', 'item:1') "
    "RETURNING id"
)


async def test_racing_claims_never_process_one_record_twice_at_once(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """Job A (lower id) commits after job B; a claim holding B uncommitted makes a second claim that sees
    A wait, and then leave A pending instead of running it beside B."""
    async with engine.connect() as intake_a, engine.connect() as intake_b:
        await intake_a.begin()
        job_a = await intake_a.scalar(JOB, {"inbox": await intake_a.scalar(INBOX, {"key": "a"})})
        await intake_b.begin()
        job_b = await intake_b.scalar(JOB, {"inbox": await intake_b.scalar(INBOX, {"key": "b"})})
        await intake_b.commit()  # B is visible first, although A has the lower id
        first = sessions()
        await first.begin()
        claimed_first = await QueueRepository(first).claim("w1", 10, 30)
        assert [j.job_id for j in claimed_first] == [job_b]
        await intake_a.commit()  # now A is visible and pending, B is being claimed (uncommitted)

        async def second_claim() -> list[int]:
            async with sessions() as session, session.begin():
                return [j.job_id for j in await QueueRepository(session).claim("w2", 10, 30)]

        second = asyncio.create_task(second_claim())
        await asyncio.sleep(0.3)  # the second claim now waits on the unique index for the first
        await first.commit()
        await first.close()
        assert await second == []
    async with engine.connect() as conn:
        states = dict((await conn.execute(text("SELECT id, status FROM tds.tds_sync_queue"))).all())
    assert states == {job_a: "pending", job_b: "processing"}
