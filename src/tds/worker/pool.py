"""The worker pool: one asyncio loop that claims batches and runs them, up to `concurrency` at a time.

Shape after procrastinate's worker: a Semaphore bounds the batches in flight, a stop Event ends the
claim loop, LISTEN/NOTIFY wakes an idle pool at once (polling every `poll_interval_s` is the fallback),
side loops keep the heartbeat row and recover expired leases, and shutdown waits `shutdown_timeout_s`
for running batches before it hands what did not finish back to the queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tds.config import WorkerSettings
from tds.db.availability import is_unavailable
from tds.db.engine import plain_dsn, transaction
from tds.entities.handler import EntityHandler
from tds.errors import DatabaseUnavailable
from tds.healer.repository import HealerRepository
from tds.queue.jobs import ClaimedJob, Recovery
from tds.queue.repository import QueueRepository
from tds.worker.batch import BatchRunner
from tds.worker.breaker import BreakerBoard, Clock
from tds.worker.listener import listen_for_work
from tds.worker.repository import WorkerBeat, WorkerRepository

log = logging.getLogger(__name__)


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class WorkerPool:
    """Drains the queue through the entity handlers; `run` until stopped, `run_once` for one batch."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        database: AsyncEngine | str,
        handlers: Mapping[str, EntityHandler],
        settings: WorkerSettings,
        worker_id: str | None = None,
        *,
        clock: Clock = time.monotonic,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.sessions = sessions
        self.settings = settings
        self.worker_id = worker_id or default_worker_id()
        url = database if isinstance(database, str) else database.url.render_as_string(hide_password=False)
        self._dsn = plain_dsn(url)
        self.breakers = BreakerBoard(settings.breaker_failure_threshold, settings.breaker_reset_s, clock)
        self._runner = BatchRunner(sessions, handlers, settings, self.worker_id, self.breakers, rand)
        self._slots = asyncio.Semaphore(settings.concurrency)
        self._wake = asyncio.Event()
        self._closing = asyncio.Event()
        self._batches: set[asyncio.Task[None]] = set()
        self.in_flight = 0
        self.processed = 0
        self.failed = 0

    async def run_once(self) -> int:
        """Claims one batch and runs it to the end; returns how many jobs it claimed."""
        jobs = await self._claim()
        if jobs:
            await self._run_batch(jobs)
        return len(jobs)

    async def run(self, stop: asyncio.Event) -> None:
        """Runs until `stop` is set, then shuts down gracefully."""
        self._closing.clear()
        await self._beat("running", starting=True)
        side = [
            asyncio.create_task(self._relay_stop(stop)),
            asyncio.create_task(listen_for_work(self._dsn, self._wake.set, self._closing)),
            asyncio.create_task(self._every(self.settings.heartbeat_interval_s, self._beat_running)),
            asyncio.create_task(self._every(self.settings.stuck_recovery_interval_s, self.recover_expired)),
        ]
        log.info("worker %s started (concurrency %d)", self.worker_id, self.settings.concurrency)
        try:
            await self._claim_loop()
        finally:
            self._closing.set()
            await self._shutdown()
            await asyncio.gather(*side, return_exceptions=True)
            await self._beat("stopped")
            log.info(
                "worker %s stopped (%d processed, %d failed)", self.worker_id, self.processed, self.failed
            )

    async def recover_expired(self) -> Recovery:
        """Returns jobs with expired leases to the queue (dead-letters those on their last attempt)."""
        async with transaction(self.sessions) as session:
            recovery = await QueueRepository(session).recover_expired()
            await HealerRepository(session).record_recovery(recovery)
        if recovery.requeued or recovery.dead_lettered:
            log.warning(
                "recovered %d jobs with expired leases (%d dead-lettered)",
                *(recovery.requeued, recovery.dead_lettered),
            )
        return recovery

    async def _claim_loop(self) -> None:
        while not self._closing.is_set():
            if self._slots.locked():
                self._wake.clear()  # a finishing batch or the stop sets it again
                await self._wait_for_wake()
                continue
            await self._slots.acquire()
            self._wake.clear()
            jobs = await self._claim_or_nothing()
            if not jobs:
                self._slots.release()
                await self._wait_for_wake()
                continue
            task = asyncio.create_task(self._run_batch(jobs))
            self._batches.add(task)
            task.add_done_callback(self._batch_done)

    def _batch_done(self, task: asyncio.Task[None]) -> None:
        self._batches.discard(task)
        self._slots.release()
        self._wake.set()  # its jobs may have unblocked later events of the same records

    async def _claim(self) -> list[ClaimedJob]:
        if self._closing.is_set():
            return []
        async with transaction(self.sessions) as session:
            repo = QueueRepository(session)
            return await repo.claim(self.worker_id, self.settings.batch_size, self.settings.lease_s)

    async def _claim_or_nothing(self) -> list[ClaimedJob]:
        try:
            return await self._claim()
        except Exception as exc:  # the database may be away for a moment; the loop polls again
            log.warning(
                "claim failed (%s: %s); trying again after the poll interval", type(exc).__name__, exc
            )
            return []

    async def _run_batch(self, jobs: list[ClaimedJob]) -> None:
        self.in_flight += len(jobs)
        try:
            result = await self._runner.run(jobs)
            self.processed += result.processed
            self.failed += result.failed
        except DatabaseUnavailable as exc:  # the database went away mid-batch; it is not the jobs' fault
            log.warning("the database went away during a batch of %d jobs (%s)", len(jobs), exc.__cause__)
            await self._hand_back(jobs)
        except Exception:  # the runner records per-job failures itself; this is the database going away
            log.exception("a batch of %d jobs was interrupted; their leases will expire", len(jobs))
        finally:
            self.in_flight -= len(jobs)

    async def _hand_back(self, jobs: list[ClaimedJob]) -> None:
        """Returns an interrupted batch to the queue, attempt given back, as soon as the database answers
        again; gives up after one lease (the leases have run out by then and recovery takes over)."""
        job_ids = [job.job_id for job in jobs]
        deadline = time.monotonic() + self.settings.lease_s
        while not self._closing.is_set() and time.monotonic() < deadline:
            try:
                async with transaction(self.sessions) as session:
                    released = await QueueRepository(session).release(self.worker_id, job_ids)
            except Exception as exc:  # still away, or worse: wait and try again, else leave it to the lease
                if not is_unavailable(exc):
                    log.warning("could not hand back %d jobs: %s", len(job_ids), exc)
                    return
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._closing.wait(), self.settings.poll_interval_s)
                continue
            log.info("database back: handed %d of %d interrupted jobs back to the queue", released, len(jobs))
            return

    async def _wait_for_wake(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), self.settings.poll_interval_s)

    async def _relay_stop(self, stop: asyncio.Event) -> None:
        closing = asyncio.ensure_future(self._closing.wait())
        stopping = asyncio.ensure_future(stop.wait())
        await asyncio.wait([closing, stopping], return_when=asyncio.FIRST_COMPLETED)
        closing.cancel()
        stopping.cancel()
        self._closing.set()
        self._wake.set()

    async def _shutdown(self) -> None:
        """Waits for running batches up to the timeout, cancels the rest and releases their jobs."""
        if self._batches:
            _, unfinished = await asyncio.wait(set(self._batches), timeout=self.settings.shutdown_timeout_s)
            for task in unfinished:
                task.cancel()
            await asyncio.gather(*unfinished, return_exceptions=True)
        try:
            async with transaction(self.sessions) as session:
                released = await QueueRepository(session).release_worker(self.worker_id)
        except Exception:  # their leases expire instead
            log.exception("could not release unfinished jobs at shutdown")
            return
        if released:
            log.warning("released %d unfinished jobs back to the queue", released)

    async def _every(self, interval_s: float, action: Callable[[], Awaitable[object]]) -> None:
        while not self._closing.is_set():
            try:
                await action()
            except Exception as exc:  # a side loop must outlive a failed round
                log.warning("%s failed: %s: %s", getattr(action, "__name__", "loop"), type(exc).__name__, exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), interval_s)

    async def _beat_running(self) -> None:
        await self._beat("running")

    async def _beat(self, state: str, *, starting: bool = False) -> None:
        beat = WorkerBeat(
            worker_id=self.worker_id,
            hostname=socket.gethostname(),
            pid=os.getpid(),
            state=state,
            in_flight=self.in_flight,
            processed=self.processed,
            failed=self.failed,
            breakers={
                entity: state.value for entity, state in self.breakers.states().items() if state != "closed"
            },
        )
        try:
            async with transaction(self.sessions) as session:
                await WorkerRepository(session).beat(beat, starting=starting)
        except Exception as exc:  # a missed heartbeat is reported, never fatal
            log.warning("heartbeat failed: %s: %s", type(exc).__name__, exc)
