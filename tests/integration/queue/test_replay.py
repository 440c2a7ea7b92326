"""Replay: one inbox event, one dead letter, or a filtered set, each re-enqueued once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tds.errors import NotFound
from tds.queue.jobs import ReplayFilter, ReplayResult
from tds.queue.service import InvalidQueueRequest, QueueService
from tests.queue_factories import enqueue, execute, scalar

Sessions = async_sessionmaker[AsyncSession]
EARLY = datetime(2026, 1, 1, tzinfo=UTC)


async def replay(sessions: Sessions, where: ReplayFilter) -> ReplayResult:
    async with sessions() as session, session.begin():
        return await QueueService(session, max_attempts=3).replay_matching(where)


async def finish_all(sessions: Sessions, inbox_status: str) -> None:
    await execute(sessions, "UPDATE tds.tds_sync_queue SET status = 'succeeded'")
    await execute(
        sessions, "UPDATE tds.tds_inbox_events SET status = :s, processed_at = now()", s=inbox_status
    )


async def test_replaying_an_event_queues_a_fresh_job_and_reopens_the_event(sessions: Sessions) -> None:
    """A processed event gets a new pending job (configured attempts) and is marked received again."""
    await enqueue(sessions, [("item", "1")])
    await finish_all(sessions, "processed")
    inbox_id = await scalar(sessions, "SELECT id FROM tds.tds_inbox_events")
    async with sessions() as session, session.begin():
        result = await QueueService(session, max_attempts=3).replay_event(inbox_id)
    assert result == ReplayResult(matched=1, enqueued=1)
    job = await scalar(
        sessions,
        "SELECT status || '|' || entity_key || '|' || max_attempts || '|' || attempts "
        "FROM tds.tds_sync_queue "
        "ORDER BY id DESC LIMIT 1",
    )
    assert job == "pending|item:1|3|0"
    inbox = await scalar(sessions, "SELECT status || '|' || (processed_at IS NULL) FROM tds.tds_inbox_events")
    assert inbox == "received|true"


async def test_replay_does_not_double_an_event_that_is_still_queued(sessions: Sessions) -> None:
    """An event whose job is still pending matches but is not queued a second time."""
    await enqueue(sessions, [("item", "1")])
    inbox_id = await scalar(sessions, "SELECT id FROM tds.tds_inbox_events")
    async with sessions() as session, session.begin():
        result = await QueueService(session, 3).replay_event(inbox_id)
    assert result == ReplayResult(matched=1, enqueued=0)
    assert await scalar(sessions, "SELECT count(*) FROM tds.tds_sync_queue") == 1


async def test_replaying_a_missing_event_or_dead_letter_is_not_found(sessions: Sessions) -> None:
    """Unknown ids are reported as NotFound, not as zero replays."""
    async with sessions() as session:
        with pytest.raises(NotFound):
            await QueueService(session, 3).replay_event(424242)
        with pytest.raises(NotFound):
            await QueueService(session, 3).replay_dead_letter(424242)


async def test_replay_by_filter_picks_entity_status_and_time_range(sessions: Sessions) -> None:
    """Only events matching every given field are re-enqueued, oldest first."""
    await enqueue(sessions, [("item", "old")], received_at=EARLY)
    await enqueue(sessions, [("item", "1"), ("item", "2"), ("contact", "1")])
    await finish_all(sessions, "failed")
    await enqueue(sessions, [("item", "3")], inbox_status="processed")
    await execute(sessions, "UPDATE tds.tds_sync_queue SET status = 'succeeded' WHERE status = 'pending'")
    since = datetime.now(UTC) - timedelta(hours=1)

    result = await replay(sessions, ReplayFilter(entity="products", status="failed", since=since))

    assert result == ReplayResult(matched=2, enqueued=2)
    queued = await scalar(
        sessions,
        "SELECT string_agg(entity_key, ',' ORDER BY id) FROM tds.tds_sync_queue WHERE status = 'pending'",
    )
    assert queued == "item:1,item:2"


async def test_replay_by_time_range_alone(sessions: Sessions) -> None:
    """An until bound alone selects the events received before it."""
    await enqueue(sessions, [("item", "old")], received_at=EARLY)
    await enqueue(sessions, [("item", "new")])
    await finish_all(sessions, "processed")
    result = await replay(sessions, ReplayFilter(until=EARLY + timedelta(days=1)))
    assert result == ReplayResult(matched=1, enqueued=1)


async def test_replay_closes_the_events_open_dead_letters(sessions: Sessions) -> None:
    """Dead letters of a replayed event are marked replayed and no longer count as open."""
    await enqueue(sessions, [("item", "1")])
    await execute(sessions, "UPDATE tds.tds_sync_queue SET status = 'dead'")
    await execute(
        sessions,
        "INSERT INTO tds.tds_dead_letter_queue "
        "(queue_job_id, inbox_event_id, entity, entity_key, attempts, error) "
        "SELECT id, inbox_event_id, entity, entity_key, 4, 'boom' FROM tds.tds_sync_queue",
    )
    result = await replay(sessions, ReplayFilter(entity="item"))
    assert result.enqueued == 1
    assert (
        await scalar(sessions, "SELECT count(*) FROM tds.tds_dead_letter_queue WHERE replayed_at IS NULL")
        == 0
    )
    async with sessions() as session:
        assert (await QueueService(session, 3).stats()).dead_letters_open == 0


@pytest.mark.parametrize(
    ("where", "message"),
    [
        (ReplayFilter(), "at least one"),
        (ReplayFilter(entity="spaceship"), "unknown entity"),
        (ReplayFilter(since=EARLY, until=EARLY), "earlier than"),
        (ReplayFilter(since=datetime(2026, 1, 1)), "time zone"),
    ],
)
async def test_invalid_filters_are_refused(sessions: Sessions, where: ReplayFilter, message: str) -> None:
    """An empty filter would replay everything; it and malformed filters are refused with a reason."""
    with pytest.raises(InvalidQueueRequest, match=message):
        await replay(sessions, where)


async def test_stats_count_jobs_by_status_and_entity(sessions: Sessions) -> None:
    """Stats show counts per status and per entity, and the age of the oldest ready job."""
    await enqueue(sessions, [("item", "1"), ("item", "2"), ("contact", "1")])
    await execute(sessions, "UPDATE tds.tds_sync_queue SET status = 'succeeded' WHERE entity = 'contact'")
    async with sessions() as session:
        stats = await QueueService(session, 3).stats()
    assert stats.by_status == {"pending": 2, "succeeded": 1}
    assert stats.by_entity == {"item": {"pending": 2}, "contact": {"succeeded": 1}}
    assert stats.oldest_ready_age_s is not None
    assert stats.oldest_ready_age_s >= 0
    assert stats.dead_letters_open == 0
