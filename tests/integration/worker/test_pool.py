"""The running pool: wake-up by NOTIFY, per-record order across workers, heartbeats, leases, shutdown."""

from __future__ import annotations

import asyncio
import os
import socket

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.integration.worker.conftest import PoolFactory, running, wait_until
from tests.integration.worker.fakes import ExclusiveHandler, GatedHandler, RecordingHandler
from tests.queue_factories import enqueue, jobs_by_id, scalar

Sessions = async_sessionmaker[AsyncSession]


async def all_done(sessions: Sessions) -> bool:
    left = await scalar(
        sessions, "SELECT count(*) FROM tds.tds_sync_queue WHERE status IN ('pending', 'processing')"
    )
    return left == 0


async def test_notify_wakes_an_idle_worker_at_once(sessions: Sessions, make_pool: PoolFactory) -> None:
    """With a 30 s poll interval, a new job is still picked up well within a second (LISTEN/NOTIFY)."""
    handler = RecordingHandler()
    pool = make_pool({"item": handler}, poll_interval_s=30.0)
    async with running(pool):
        await asyncio.sleep(0.3)  # the pool has polled once, found nothing and gone idle
        await enqueue(sessions, [("item", "1")])
        took_s = await wait_until(lambda: all_done(sessions), timeout_s=5)
    assert took_s < 1.0
    assert len(handler.events) == 1


async def test_several_workers_keep_each_record_in_order(sessions: Sessions, make_pool: PoolFactory) -> None:
    """Three pools draining 20 records x 5 events never overlap a record and apply each in id order."""
    handler = ExclusiveHandler()
    job_ids = await enqueue(sessions, [("item", str(n % 20)) for n in range(100)])
    pools = [make_pool({"item": handler}, f"w{n}", batch_size=5, concurrency=2) for n in range(3)]
    async with running(pools[0]), running(pools[1]), running(pools[2]):
        await wait_until(lambda: all_done(sessions), timeout_s=30)
    assert handler.overlaps == []
    order: dict[str, list[int]] = {}
    for event in handler.events:
        order.setdefault(event.entity_id, []).append(event.job_id)
    assert all(ids == sorted(ids) and len(ids) == 5 for ids in order.values())
    assert sorted(e.job_id for e in handler.events) == job_ids
    workers = await scalar(sessions, "SELECT count(DISTINCT locked_by) FROM tds.tds_sync_queue")
    assert workers >= 2


async def test_heartbeat_row_tracks_the_worker_and_ends_stopped(
    sessions: Sessions, make_pool: PoolFactory
) -> None:
    """The worker's heartbeat row names host and pid, counts processed jobs, and says stopped at exit."""
    await enqueue(sessions, [("item", "1"), ("item", "2")])
    pool = make_pool({"item": RecordingHandler()}, "beating", heartbeat_interval_s=0.05)

    async def counted() -> bool:
        sql = (
            "SELECT processed FROM tds.tds_worker_heartbeats "
            "WHERE worker_id = 'beating' AND state = 'running'"
        )
        return await scalar(sessions, sql) == 2

    async with running(pool):
        await wait_until(counted, timeout_s=5)
    async with sessions() as session:
        row = (await session.execute(text("SELECT * FROM tds.tds_worker_heartbeats"))).mappings().one()
    assert (row["worker_id"], row["hostname"], row["pid"]) == ("beating", socket.gethostname(), os.getpid())
    assert (row["state"], row["processed"], row["failed"], row["in_flight"]) == ("stopped", 2, 0, 0)
    assert row["last_seen_at"] >= row["started_at"]


async def test_lease_heartbeat_keeps_a_slow_batch_from_being_recovered(
    sessions: Sessions, make_pool: PoolFactory
) -> None:
    """A batch running 2.5 times its lease keeps extending it, so recovery leaves it alone.

    The lease is 20 heartbeats long, so a loaded machine delaying a few heartbeats cannot expire it.
    """
    [job_id] = await enqueue(sessions, [("item", "1")])
    handler = RecordingHandler(delay_s=2.5)
    pool = make_pool({"item": handler}, lease_s=1.0, heartbeat_interval_s=0.05)
    sweeper = make_pool({}, "sweeper")
    batch = asyncio.create_task(pool.run_once())
    recovered = []
    for _ in range(10):
        await asyncio.sleep(0.2)
        recovered.append((await sweeper.recover_expired()).requeued)
    await batch
    assert recovered == [0] * 10
    row = (await jobs_by_id(sessions, [job_id]))[job_id]
    assert (row["status"], row["attempts"]) == ("succeeded", 1)


async def test_shutdown_releases_unfinished_work_and_claims_nothing_more(
    sessions: Sessions, make_pool: PoolFactory
) -> None:
    """On stop the pool waits the shutdown timeout, then hands unfinished jobs back with their attempt."""
    job_ids = await enqueue(sessions, [("item", "1"), ("item", "2")])
    handler = GatedHandler()
    pool = make_pool({"item": handler}, shutdown_timeout_s=0.2)
    async with running(pool) as stop:
        await asyncio.wait_for(handler.entered.wait(), 5)
        stop.set()
        await asyncio.sleep(0.05)
        await enqueue(sessions, [("item", "3")])
    rows = await jobs_by_id(sessions, job_ids)
    assert [(r["status"], r["attempts"], r["locked_by"]) for r in rows.values()] == [("pending", 0, None)] * 2
    assert len(handler.batches) == 1
    assert await scalar(sessions, "SELECT count(*) FROM tds.tds_sync_queue WHERE status = 'pending'") == 3
    assert await scalar(sessions, "SELECT count(*) FROM tds.tds_sync_logs") == 0


async def test_shutdown_lets_batches_that_finish_in_time_complete(
    sessions: Sessions, make_pool: PoolFactory
) -> None:
    """A batch finishing within the shutdown timeout commits normally."""
    job_ids = await enqueue(sessions, [("item", "1")])
    handler = RecordingHandler(delay_s=0.3)
    pool = make_pool({"item": handler}, shutdown_timeout_s=5)
    async with running(pool) as stop:
        await wait_until(lambda: _has_batch(handler), timeout_s=5)
        stop.set()
    rows = await jobs_by_id(sessions, job_ids)
    assert [r["status"] for r in rows.values()] == ["succeeded"]


async def _has_batch(handler: RecordingHandler) -> bool:
    return bool(handler.batches)
