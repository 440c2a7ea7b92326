"""Runs one claimed batch: every event in one transaction, else one by one; then settles the failures."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tds.config import WorkerSettings
from tds.db.availability import is_unavailable
from tds.db.contention import as_busy
from tds.db.engine import transaction
from tds.entities.handler import EntityHandler, Outcome
from tds.errors import DatabaseUnavailable, HandlerError, PermanentHandlerError, TdsError
from tds.queue.jobs import ClaimedJob, Completion
from tds.queue.repository import QueueRepository
from tds.worker.breaker import BreakerBoard, BreakerState
from tds.worker.classify import classify
from tds.worker.events import to_event
from tds.worker.lease import leases_kept
from tds.worker.repository import WorkerRepository
from tds.worker.settlement import FailureDesk, Settlement

log = logging.getLogger(__name__)

Group = tuple[EntityHandler, list[ClaimedJob]]


class LeaseLost(TdsError):
    """This worker no longer holds a job it ran: its lease expired and the job went back to the queue."""


@dataclass
class BatchResult:
    """How many jobs of a batch completed, and how many failed (rescheduled or dead-lettered)."""

    processed: int = 0
    failed: int = 0


class BatchRunner:
    """Applies claimed jobs through their entity handlers and records every job's fate."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        handlers: Mapping[str, EntityHandler],
        settings: WorkerSettings,
        worker_id: str,
        breakers: BreakerBoard,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.sessions = sessions
        self.handlers = handlers
        self.settings = settings
        self.worker_id = worker_id
        self.breakers = breakers
        self.desk = FailureDesk(sessions, handlers, settings, worker_id, breakers, rand)

    async def run(self, jobs: Sequence[ClaimedJob]) -> BatchResult:
        """Runs the batch under a kept lease; the whole batch in one transaction when it can."""
        settle = Settlement()
        result = BatchResult()
        job_ids = [job.job_id for job in jobs]
        lease_s, interval_s = self.settings.lease_s, self.settings.heartbeat_interval_s
        async with leases_kept(
            self.sessions, self.worker_id, job_ids, lease_s=lease_s, interval_s=interval_s
        ):
            together, alone = self._plan(jobs, settle)
            if together and await self._run_together(together):
                result.processed += sum(len(group) for _, group in together)
            elif together:
                alone = sorted([*alone, *(j for _, g in together for j in g)], key=lambda j: j.job_id)
            for job in alone:
                result.processed += await self._run_alone(job, settle)
            result.failed = len(settle.reschedules) + len(settle.dead)
            await self.desk.settle(settle)
        return result

    def _plan(self, jobs: Sequence[ClaimedJob], settle: Settlement) -> tuple[list[Group], list[ClaimedJob]]:
        """Splits the batch: groups to run together, jobs to run alone; the rest are settled here."""
        together: list[Group] = []
        alone: list[ClaimedJob] = []
        for entity, group in _by_entity(self._valid(jobs, settle)).items():
            handler = self.handlers.get(entity)
            breaker = self.breakers[entity]
            if handler is None:
                for job in group:
                    self.desk.dead(job, PermanentHandlerError(f"no handler for entity {entity!r}"), settle)
            elif breaker.state is BreakerState.OPEN:
                self.desk.release(group, breaker.retry_in_s(), settle)
            elif breaker.state is BreakerState.HALF_OPEN:
                alone.extend(group)  # one probe first; the rest follow one by one if it succeeds
            else:
                together.append((handler, group))
        return together, alone

    def _valid(self, jobs: Sequence[ClaimedJob], settle: Settlement) -> list[ClaimedJob]:
        valid = []
        for job in jobs:
            try:
                to_event(job)
            except PermanentHandlerError as exc:
                self.desk.dead(job, exc, settle)
            else:
                valid.append(job)
        return valid

    async def _run_together(self, groups: Sequence[Group]) -> bool:
        """All groups, one transaction; False (rolled back) when anything in it failed."""
        try:
            async with transaction(self.sessions) as session:
                done: list[Completion] = []
                for handler, group in groups:
                    started = time.perf_counter()
                    outcomes = await _apply(handler, session, group)
                    share_ms = (time.perf_counter() - started) * 1000.0 / len(group)
                    pairs = zip(group, outcomes, strict=True)
                    done.extend(_completion(job, outcome, share_ms) for job, outcome in pairs)
                await self._finish(session, done)
        except Exception as exc:  # the batch boundary: any failure sends its events down the one-by-one path
            size = sum(len(group) for _, group in groups)
            why = classify(exc).line  # the classifier's line, as dead letters have it: no record value
            log.warning("batch of %d events failed (%s); running them one by one", size, why)
            return False
        for _, group in groups:
            self.desk.breaker_succeeded(group[0].entity)
        return True

    async def _run_alone(self, job: ClaimedJob, settle: Settlement) -> int:
        """One job in its own transaction; 1 when it completed, 0 when it failed or was deferred."""
        breaker = self.breakers[job.entity]
        if not breaker.allow():
            self.desk.release([job], breaker.retry_in_s(), settle)
            return 0
        started = time.perf_counter()
        try:
            async with transaction(self.sessions) as session:
                [outcome] = await _apply(self.handlers[job.entity], session, [job])
                elapsed_ms = (time.perf_counter() - started) * 1000.0
                await self._finish(session, [_completion(job, outcome, elapsed_ms)])
        except LeaseLost:
            log.warning("job %d ran but its lease had expired; the queue gave it to another run", job.job_id)
            self.desk.breaker_succeeded(job.entity)  # the handler itself succeeded
            return 0
        except Exception as exc:  # the per-job boundary: the failure is recorded and retried or dead-lettered
            if is_unavailable(exc) and not await self._database_answers():
                self.desk.breaker_failed(job.entity)  # an infrastructure failure: the breaker hears of it
                raise DatabaseUnavailable(job_id=job.job_id) from exc  # not the event's fault: hand it back
            # A lock or statement timeout, a deadlock: retried, and recorded as DatabaseBusy (transient).
            failed = as_busy(exc) or exc
            failure = await self.desk.classify(job, failed)
            self.desk.fail(job, failed, settle, (time.perf_counter() - started) * 1000.0, failure)
            return 0
        self.desk.breaker_succeeded(job.entity)
        return 1

    async def _database_answers(self) -> bool:
        """Tells a database outage from a handler's own connection failure (which is the job's)."""
        try:
            async with transaction(self.sessions) as session:
                await WorkerRepository(session).ping()
        except Exception:  # any failure to reach it: the database is away
            return False
        return True

    async def _finish(self, session: AsyncSession, done: list[Completion]) -> None:
        """Marks the jobs and their inbox events done and logs them; LeaseLost rolls it all back."""
        completed = await QueueRepository(session).complete(self.worker_id, done)
        if completed != len(done):
            raise LeaseLost(f"{len(done) - completed} of {len(done)} jobs are no longer held by this worker")


async def _apply(handler: EntityHandler, session: AsyncSession, jobs: Sequence[ClaimedJob]) -> list[Outcome]:
    outcomes = await handler(session, [to_event(job) for job in jobs])
    if len(outcomes) != len(jobs):
        raise HandlerError(f"the handler returned {len(outcomes)} outcomes for {len(jobs)} events")
    return [Outcome(outcome) for outcome in outcomes]


def _by_entity(jobs: Sequence[ClaimedJob]) -> dict[str, list[ClaimedJob]]:
    groups: dict[str, list[ClaimedJob]] = {}
    for job in jobs:
        groups.setdefault(job.entity, []).append(job)
    return groups


def _completion(job: ClaimedJob, outcome: Outcome, duration_ms: float) -> Completion:
    skipped = outcome in (Outcome.STALE, Outcome.NOT_IN_PROFILE)
    status: Literal["succeeded", "skipped"] = "skipped" if skipped else "succeeded"
    return Completion(job.job_id, status, outcome.value, duration_ms)
