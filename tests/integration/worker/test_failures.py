"""Failures: the retry schedule with jitter, RetryLater, dead-lettering with traceback, replay after a fix."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tds.errors import PermanentHandlerError, RetryLater
from tds.queue.service import QueueService
from tests.integration.worker.conftest import PoolFactory
from tests.integration.worker.fakes import FailingHandler
from tests.queue_factories import enqueue, execute, jobs_by_id, scalar

Sessions = async_sessionmaker[AsyncSession]


async def seconds_until_retry(sessions: Sessions, job_id: int) -> float:
    row = (await jobs_by_id(sessions, [job_id]))[job_id]
    assert row["status"] == "pending"
    return (row["run_after"] - datetime.now(UTC)).total_seconds()


async def make_due(sessions: Sessions) -> None:
    await execute(sessions, "UPDATE tds.tds_sync_queue SET run_after = now() WHERE status = 'pending'")


async def test_retries_follow_the_schedule_with_bounded_jitter(
    sessions: Sessions, make_pool: PoolFactory
) -> None:
    """Attempt n waits delays[n-1] +-jitter; past the list the last delay doubles per attempt."""
    [job_id] = await enqueue(sessions, [("item", "1")], max_attempts=6)
    pool = make_pool({"item": FailingHandler(lambda: RuntimeError("db down"))}, retry_delays_s=[60, 300])
    expected = [60, 300, 600, 1200]
    for attempt, base in enumerate(expected, start=1):
        await pool.run_once()
        wait_s = await seconds_until_retry(sessions, job_id)
        assert base * 0.9 - 1 <= wait_s <= base * 1.1, (attempt, wait_s)
        assert (await jobs_by_id(sessions, [job_id]))[job_id]["attempts"] == attempt
        await make_due(sessions)
    retries = await scalar(sessions, "SELECT count(*) FROM tds.tds_sync_logs WHERE outcome = 'retry'")
    assert retries == 4


async def test_jitter_spreads_retries_of_one_batch(sessions: Sessions, make_pool: PoolFactory) -> None:
    """Events failing together do not come back at the same instant."""
    job_ids = await enqueue(sessions, [("item", str(n)) for n in range(10)])
    await make_pool(
        {"item": FailingHandler(lambda: RuntimeError("down"))}, breaker_failure_threshold=50
    ).run_once()
    waits = [await seconds_until_retry(sessions, job_id) for job_id in job_ids]
    assert all(53 <= wait <= 66 for wait in waits)
    assert max(waits) - min(waits) > 1.0


async def test_retry_later_sets_its_own_delay(sessions: Sessions, make_pool: PoolFactory) -> None:
    """A handler raising RetryLater(delay_s=5) runs again in five seconds, not on the schedule."""
    [job_id] = await enqueue(sessions, [("item", "1")])
    await make_pool({"item": FailingHandler(lambda: RetryLater("parent missing", delay_s=5))}).run_once()
    assert 4.0 <= await seconds_until_retry(sessions, job_id) <= 5.0
    row = (await jobs_by_id(sessions, [job_id]))[job_id]
    assert row["last_error"] == "RetryLater: parent missing"


async def test_the_last_attempt_goes_to_the_dead_letter_queue_with_traceback(
    sessions: Sessions, make_pool: PoolFactory
) -> None:
    """After max_attempts failures the job is dead, its inbox event failed, the DLQ holds the traceback."""
    [job_id] = await enqueue(sessions, [("item", "1")], max_attempts=2)
    pool = make_pool({"item": FailingHandler(lambda: ValueError("bad total"))})
    await pool.run_once()
    await make_due(sessions)
    await pool.run_once()

    row = (await jobs_by_id(sessions, [job_id]))[job_id]
    assert (row["status"], row["attempts"]) == ("dead", 2)
    async with sessions() as session:
        letter = (await QueueService(session, 4).dead_letters())[0]
        full = await QueueService(session, 4).dead_letter(letter.id)
    assert (letter.queue_job_id, letter.attempts, letter.error) == (job_id, 2, "ValueError: bad total")
    assert full.traceback is not None
    assert "ValueError: bad total" in full.traceback
    assert "fakes.py" in full.traceback
    inbox = await scalar(
        sessions,
        "SELECT status || '|' || error FROM tds.tds_inbox_events WHERE id = :id",
        id=row["inbox_event_id"],
    )
    assert inbox == "failed|ValueError: bad total"
    outcomes = await scalar(sessions, "SELECT string_agg(outcome, ',' ORDER BY id) FROM tds.tds_sync_logs")
    assert outcomes == "retry,dead"


async def test_a_permanent_error_dead_letters_at_once(sessions: Sessions, make_pool: PoolFactory) -> None:
    """PermanentHandlerError skips the remaining attempts."""
    [job_id] = await enqueue(sessions, [("item", "1")], max_attempts=4)
    await make_pool({"item": FailingHandler(lambda: PermanentHandlerError("no such tax"))}).run_once()
    row = (await jobs_by_id(sessions, [job_id]))[job_id]
    assert (row["status"], row["attempts"]) == ("dead", 1)


async def test_a_dead_letter_replayed_after_a_fix_succeeds(
    sessions: Sessions, make_pool: PoolFactory
) -> None:
    """Replaying a dead letter once the cause is fixed runs the event again and closes the entry."""
    [job_id] = await enqueue(sessions, [("item", "1")])
    handler = FailingHandler(lambda: PermanentHandlerError("mapping bug"))
    pool = make_pool({"item": handler})
    await pool.run_once()
    dead_letter_id = await scalar(
        sessions, "SELECT id FROM tds.tds_dead_letter_queue WHERE queue_job_id = :id", id=job_id
    )

    handler.broken = False  # the fix
    async with sessions() as session, session.begin():
        result = await QueueService(session, 4).replay_dead_letter(dead_letter_id)
    assert (result.matched, result.enqueued) == (1, 1)
    assert await pool.run_once() == 1

    assert [event.entity_id for event in handler.events] == ["1"]
    replayed = await scalar(
        sessions, "SELECT replayed_at IS NOT NULL AND resolved_at IS NOT NULL FROM tds.tds_dead_letter_queue"
    )
    assert replayed is True
    statuses = await scalar(sessions, "SELECT string_agg(status, ',' ORDER BY id) FROM tds.tds_sync_queue")
    assert statuses == "dead,succeeded"
    assert await scalar(sessions, "SELECT status FROM tds.tds_inbox_events") == "processed"
