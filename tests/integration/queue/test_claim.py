"""Claiming: one statement, leases, no job handed out twice, one record never in flight twice."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tds.queue.jobs import ClaimedJob, Completion, Reschedule
from tds.queue.repository import QueueRepository
from tests.queue_factories import enqueue, execute, jobs_by_id

Sessions = async_sessionmaker[AsyncSession]


async def claim(sessions: Sessions, worker_id: str = "w1", batch_size: int = 10, lease_s: float = 30.0):
    async with sessions() as session, session.begin():
        return await QueueRepository(session).claim(worker_id, batch_size, lease_s)


async def complete(sessions: Sessions, worker_id: str, job_ids: list[int]) -> int:
    async with sessions() as session, session.begin():
        done = [Completion(job_id, "succeeded") for job_id in job_ids]
        return await QueueRepository(session).complete(worker_id, done)


class TestClaim:
    async def test_claim_leases_jobs_and_returns_the_inbox_fields(self, sessions: Sessions) -> None:
        """A claim sets processing, the lease and the attempt, and returns what the handler needs."""
        job_ids = await enqueue(sessions, [("item", "1"), ("item", "2"), ("item", "3")], payload={"a": 1})
        claimed = await claim(sessions, "w1", batch_size=2, lease_s=30)
        assert [job.job_id for job in claimed] == job_ids[:2]
        first = claimed[0]
        assert (first.entity, first.entity_id, first.action, first.source) == (
            "item",
            "1",
            "upsert",
            "webhook",
        )
        assert first.payload == {"a": 1}
        assert first.entity_key == "item:1"
        assert first.attempts == 1
        rows = await jobs_by_id(sessions, job_ids)
        lease_left = rows[job_ids[0]]["locked_until"] - datetime.now(UTC)
        assert timedelta(seconds=25) < lease_left <= timedelta(seconds=30)
        assert [rows[i]["status"] for i in job_ids] == ["processing", "processing", "pending"]
        assert rows[job_ids[0]]["locked_by"] == "w1"

    async def test_future_jobs_are_not_claimed(self, sessions: Sessions) -> None:
        """A job whose run_after lies ahead stays in the queue."""
        [job_id] = await enqueue(sessions, [("item", "1")])
        await execute(sessions, "UPDATE tds.tds_sync_queue SET run_after = now() + interval '1 minute'")
        assert await claim(sessions) == []
        rows = await jobs_by_id(sessions, [job_id])
        assert rows[job_id]["status"] == "pending"

    async def test_concurrent_claimers_never_share_a_job(self, sessions: Sessions) -> None:
        """Six workers claiming at once from their own connections each get disjoint jobs, and all of them."""
        job_ids = await enqueue(sessions, [("item", str(n)) for n in range(300)])
        seen: list[tuple[str, list[ClaimedJob]]] = []

        async def claimer(worker_id: str) -> None:
            while batch := await claim(sessions, worker_id, batch_size=7):
                seen.append((worker_id, batch))
                await asyncio.sleep(0)

        await asyncio.gather(*(claimer(f"w{n}") for n in range(6)))
        claimed_ids = [job.job_id for _, batch in seen for job in batch]
        assert len(claimed_ids) == len(set(claimed_ids))
        assert sorted(claimed_ids) == job_ids
        assert len({worker_id for worker_id, _ in seen}) >= 3  # the claimers really ran side by side


class TestPerRecordOrder:
    async def test_second_event_of_a_record_waits_for_the_first(self, sessions: Sessions) -> None:
        """While a record's first event is pending or processing, its second is not claimed by anyone."""
        a1, a2, b1 = await enqueue(sessions, [("item", "1"), ("item", "1"), ("item", "2")])
        first = await claim(sessions, "w1")
        assert [job.job_id for job in first] == [a1, b1]
        assert await claim(sessions, "w2") == []
        assert await complete(sessions, "w1", [a1]) == 1
        second = await claim(sessions, "w2")
        assert [job.job_id for job in second] == [a2]

    async def test_a_batch_holds_at_most_one_event_per_record(self, sessions: Sessions) -> None:
        """Three events of one record come out one per claim, in id order."""
        job_ids = await enqueue(sessions, [("contact", "9")] * 3)
        order = []
        for _ in range(3):
            batch = await claim(sessions, "w1")
            assert len(batch) == 1
            order.append(batch[0].job_id)
            await complete(sessions, "w1", [batch[0].job_id])
        assert order == job_ids

    async def test_a_rescheduled_event_keeps_later_events_of_its_record_waiting(
        self, sessions: Sessions
    ) -> None:
        """A failed event waiting for its retry still blocks the newer events of the same record."""
        a1, a2 = await enqueue(sessions, [("item", "1"), ("item", "1")])
        await claim(sessions, "w1")
        async with sessions() as session, session.begin():
            await QueueRepository(session).reschedule("w1", [Reschedule(a1, 60.0, "boom")])
        assert await claim(sessions, "w2") == []
        rows = await jobs_by_id(sessions, [a1, a2])
        assert rows[a1]["status"] == "pending"
        assert rows[a1]["last_error"] == "boom"

    async def test_a_processing_event_blocks_even_an_older_pending_one(self, sessions: Sessions) -> None:
        """An older event that became visible late still waits while a newer one of its record runs."""
        a1, a2 = await enqueue(sessions, [("item", "1"), ("item", "1")])
        await execute(
            sessions,
            "UPDATE tds.tds_sync_queue SET status = 'processing', locked_by = 'w9' WHERE id = :id",
            id=a2,
        )
        assert await claim(sessions, "w1") == []
        rows = await jobs_by_id(sessions, [a1])
        assert rows[a1]["status"] == "pending"
