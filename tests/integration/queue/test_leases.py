"""Leases: extension by the holder, recovery of expired leases, and completion only by the holder."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tds.queue.jobs import Completion, Recovery
from tds.queue.repository import QueueRepository
from tests.queue_factories import enqueue, jobs_by_id, scalar

Sessions = async_sessionmaker[AsyncSession]


async def in_tx(sessions: Sessions, action):
    async with sessions() as session, session.begin():
        return await action(QueueRepository(session))


async def test_expired_lease_returns_the_job_for_another_worker(sessions: Sessions) -> None:
    """A job whose holder stopped extending its lease goes back to pending and another worker takes it."""
    [job_id] = await enqueue(sessions, [("item", "1")])
    await in_tx(sessions, lambda repo: repo.claim("dead-worker", 10, 0.05))
    await asyncio.sleep(0.1)
    assert await in_tx(sessions, lambda repo: repo.recover_expired()) == Recovery(requeued=1, dead_lettered=0)
    row = (await jobs_by_id(sessions, [job_id]))[job_id]
    assert (row["status"], row["locked_by"], row["last_error"]) == ("pending", None, "lease expired")
    [again] = await in_tx(sessions, lambda repo: repo.claim("w2", 10, 30))
    assert (again.job_id, again.attempts) == (job_id, 2)


async def test_a_live_lease_is_left_alone(sessions: Sessions) -> None:
    """Recovery does not touch jobs whose lease is still running."""
    await enqueue(sessions, [("item", "1")])
    await in_tx(sessions, lambda repo: repo.claim("w1", 10, 30))
    assert await in_tx(sessions, lambda repo: repo.recover_expired()) == Recovery(requeued=0, dead_lettered=0)


async def test_an_expired_last_attempt_is_dead_lettered(sessions: Sessions) -> None:
    """A job that keeps killing its workers ends in the dead-letter queue instead of looping forever."""
    [job_id] = await enqueue(sessions, [("item", "1")], max_attempts=1)
    await in_tx(sessions, lambda repo: repo.claim("w1", 10, 0.05))
    await asyncio.sleep(0.1)
    assert await in_tx(sessions, lambda repo: repo.recover_expired()) == Recovery(requeued=0, dead_lettered=1)
    row = (await jobs_by_id(sessions, [job_id]))[job_id]
    assert row["status"] == "dead"
    error = await scalar(
        sessions, "SELECT error FROM tds.tds_dead_letter_queue WHERE queue_job_id = :id", id=job_id
    )
    assert error == "lease expired on the last attempt"
    inbox_status = await scalar(
        sessions, "SELECT status FROM tds.tds_inbox_events WHERE id = :id", id=row["inbox_event_id"]
    )
    assert inbox_status == "failed"


async def test_extending_leases_touches_only_the_holders_jobs(sessions: Sessions) -> None:
    """The lease heartbeat extends the caller's own jobs and nobody else's."""
    mine, theirs = await enqueue(sessions, [("item", "1"), ("item", "2")])
    await in_tx(sessions, lambda repo: repo.claim("w1", 1, 0.05))
    await in_tx(sessions, lambda repo: repo.claim("w2", 1, 0.05))
    extended = await in_tx(sessions, lambda repo: repo.extend_leases("w1", [mine, theirs], 30))
    assert extended == 1
    await asyncio.sleep(0.1)
    assert await in_tx(sessions, lambda repo: repo.recover_expired()) == Recovery(requeued=1, dead_lettered=0)
    rows = await jobs_by_id(sessions, [mine, theirs])
    assert (rows[mine]["status"], rows[theirs]["status"]) == ("processing", "pending")


async def test_a_worker_cannot_complete_a_job_it_lost(sessions: Sessions) -> None:
    """Once an expired job went to another worker, the first worker's completion changes nothing."""
    [job_id] = await enqueue(sessions, [("item", "1")])
    await in_tx(sessions, lambda repo: repo.claim("slow", 10, 0.05))
    await asyncio.sleep(0.1)
    await in_tx(sessions, lambda repo: repo.recover_expired())
    await in_tx(sessions, lambda repo: repo.claim("fast", 10, 30))
    done = [Completion(job_id, "succeeded")]
    assert await in_tx(sessions, lambda repo: repo.complete("slow", done)) == 0
    assert await in_tx(sessions, lambda repo: repo.complete("fast", done)) == 1
    row = (await jobs_by_id(sessions, [job_id]))[job_id]
    assert (row["status"], row["locked_by"]) == ("succeeded", "fast")
    processed_at = await scalar(
        sessions, "SELECT processed_at FROM tds.tds_inbox_events WHERE id = :id", id=row["inbox_event_id"]
    )
    assert processed_at is not None
