"""Batches: one transaction for the whole batch, outcomes recorded, a failing event isolated."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tds.entities.handler import Outcome
from tests.integration.worker.conftest import PoolFactory
from tests.integration.worker.fakes import APPLIED_TABLE_SQL, RecordingHandler, WritingHandler
from tests.queue_factories import enqueue, execute, jobs_by_id, scalar

Sessions = async_sessionmaker[AsyncSession]


async def test_a_batch_is_applied_marked_and_logged(sessions: Sessions, make_pool: PoolFactory) -> None:
    """Each entity's events reach its handler in one call; jobs, inbox rows and logs all record the result."""
    items, contacts = RecordingHandler(), RecordingHandler(Outcome.UPDATED)
    job_ids = await enqueue(sessions, [("item", "1"), ("contact", "7"), ("item", "2")], payload={"x": 1})
    pool = make_pool({"item": items, "contact": contacts})

    assert await pool.run_once() == 3

    assert [[e.entity_id for e in batch] for batch in items.batches] == [["1", "2"]]
    assert [[e.entity_id for e in batch] for batch in contacts.batches] == [["7"]]
    assert items.events[0].payload == {"x": 1}
    rows = await jobs_by_id(sessions, job_ids)
    assert {row["status"] for row in rows.values()} == {"succeeded"}
    assert all(row["finished_at"] is not None for row in rows.values())
    processed = await scalar(
        sessions,
        "SELECT count(*) FROM tds.tds_inbox_events WHERE status = 'processed' AND processed_at IS NOT NULL",
    )
    assert processed == 3
    outcomes = await scalar(
        sessions,
        "SELECT string_agg(outcome, ',' ORDER BY queue_job_id) FROM tds.tds_sync_logs WHERE worker_id = 'w1'",
    )
    assert outcomes == "inserted,updated,inserted"
    assert pool.processed == 3


async def test_a_stale_event_is_marked_skipped(sessions: Sessions, make_pool: PoolFactory) -> None:
    """An event the handler finds older than the stored version ends as skipped, job and inbox alike."""
    [job_id] = await enqueue(sessions, [("item", "1")])
    await make_pool({"item": RecordingHandler(Outcome.STALE)}).run_once()
    row = (await jobs_by_id(sessions, [job_id]))[job_id]
    assert row["status"] == "skipped"
    status = await scalar(
        sessions, "SELECT status FROM tds.tds_inbox_events WHERE id = :id", id=row["inbox_event_id"]
    )
    assert status == "skipped"


async def test_a_failing_event_is_isolated_and_the_rest_apply_once(
    sessions: Sessions, make_pool: PoolFactory
) -> None:
    """When a batch fails it is rolled back and rerun one by one: good events apply exactly once."""
    await execute(sessions, APPLIED_TABLE_SQL)
    job_ids = await enqueue(sessions, [("item", str(n)) for n in range(5)])
    pool = make_pool({"item": WritingHandler(bad_ids=frozenset({"3"}))})

    await pool.run_once()

    applied = await scalar(sessions, "SELECT string_agg(entity_id, ',' ORDER BY job_id) FROM test_applied")
    assert applied == "0,1,2,4"
    rows = await jobs_by_id(sessions, job_ids)
    assert [rows[i]["status"] for i in job_ids] == ["succeeded"] * 3 + ["pending", "succeeded"]
    assert rows[job_ids[3]]["last_error"] == "RuntimeError: a bad record in the batch"
    assert (pool.processed, pool.failed) == (4, 1)


async def test_a_handler_that_miscounts_outcomes_fails_the_events(
    sessions: Sessions, make_pool: PoolFactory
) -> None:
    """A handler answering fewer outcomes than events is a failure, never a silent success."""

    class ShortHandler(RecordingHandler):
        async def __call__(self, session, events):
            return []

    [job_id] = await enqueue(sessions, [("item", "1")])
    await make_pool({"item": ShortHandler()}).run_once()
    row = (await jobs_by_id(sessions, [job_id]))[job_id]
    assert row["status"] == "pending"
    assert "returned 0 outcomes for 1 events" in row["last_error"]


async def test_an_event_for_an_entity_without_handler_is_dead_lettered(
    sessions: Sessions, make_pool: PoolFactory
) -> None:
    """No handler for the entity: the job goes straight to the dead-letter queue, others still run."""
    dead, fine = await enqueue(sessions, [("bill", "1"), ("item", "1")])
    await make_pool({"item": RecordingHandler()}).run_once()
    rows = await jobs_by_id(sessions, [dead, fine])
    assert (rows[dead]["status"], rows[fine]["status"]) == ("dead", "succeeded")
    error = await scalar(
        sessions, "SELECT error FROM tds.tds_dead_letter_queue WHERE queue_job_id = :id", id=dead
    )
    assert error == "PermanentHandlerError: no handler for entity 'bill'"


async def test_an_event_with_an_unknown_action_is_dead_lettered(
    sessions: Sessions, make_pool: PoolFactory
) -> None:
    """An event no handler could apply (unknown action) is dead-lettered without calling the handler."""
    handler = RecordingHandler()
    [job_id] = await enqueue(sessions, [("item", "1")], action="archive")
    await make_pool({"item": handler}).run_once()
    assert handler.batches == []
    assert (await jobs_by_id(sessions, [job_id]))[job_id]["status"] == "dead"
