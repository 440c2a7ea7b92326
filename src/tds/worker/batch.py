"""Runs one claimed batch: every event in one transaction, else one by one; then settles the failures."""

from __future__ import annotations

import logging
import random
import time
import traceback
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal, cast

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tds.config import WorkerSettings
from tds.db.availability import is_unavailable
from tds.db.contention import as_busy
from tds.db.engine import transaction
from tds.entities.explain import EXPLAINED, explain
from tds.entities.handler import Action, EntityEvent, EntityHandler, Outcome
from tds.errors import DatabaseUnavailable, HandlerError, PermanentHandlerError, TdsError
from tds.queue.jobs import ClaimedJob, Completion, DeadLetterRequest, Reschedule
from tds.queue.repository import QueueRepository
from tds.worker.breaker import BreakerBoard, BreakerState
from tds.worker.classify import Failure, Verdict, classify
from tds.worker.lease import leases_kept
from tds.worker.repository import SyncLogEntry, WorkerRepository
from tds.worker.retry import retry_delay_s

log = logging.getLogger(__name__)

ACTIONS = ("upsert", "delete")
RACE_RETRY_S = 1.0  # a write that lost a race on its own key tries again soon, once
Group = tuple[EntityHandler, list[ClaimedJob]]


class LeaseLost(TdsError):
    """This worker no longer holds a job it ran: its lease expired and the job went back to the queue."""


@dataclass
class BatchResult:
    """How many jobs of a batch completed, and how many failed (rescheduled or dead-lettered)."""

    processed: int = 0
    failed: int = 0


@dataclass
class Settlement:
    """Writes for the jobs that did not complete, gathered over a batch and applied in one transaction."""

    reschedules: list[Reschedule] = field(default_factory=list)
    dead: list[DeadLetterRequest] = field(default_factory=list)
    releases: dict[float, list[int]] = field(default_factory=lambda: defaultdict(list))
    logs: list[SyncLogEntry] = field(default_factory=list)


def to_event(job: ClaimedJob) -> EntityEvent:
    """The handler's view of a claimed job; PermanentHandlerError when no handler could apply it."""
    if job.action not in ACTIONS:
        raise PermanentHandlerError(f"unknown action {job.action!r}", job_id=job.job_id)
    if not job.entity_id:
        raise PermanentHandlerError("the event has no entity id", job_id=job.job_id)
    return EntityEvent(
        job_id=job.job_id,
        inbox_event_id=job.inbox_event_id,
        entity=job.entity,
        entity_id=job.entity_id,
        action=cast(Action, job.action),
        payload=job.payload or {},
        source=job.source,
        source_modified_at=job.source_modified_at,
    )


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
        self._rand = rand

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
            await self._settle(settle)
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
                    self._dead(job, PermanentHandlerError(f"no handler for entity {entity!r}"), settle)
            elif breaker.state is BreakerState.OPEN:
                self._release(group, breaker.retry_in_s(), settle)
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
                self._dead(job, exc, settle)
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
            log.warning("batch of %d events failed (%s); running them one by one", size, _describe(exc))
            return False
        for _, group in groups:
            self._breaker_succeeded(group[0].entity)
        return True

    async def _run_alone(self, job: ClaimedJob, settle: Settlement) -> int:
        """One job in its own transaction; 1 when it completed, 0 when it failed or was deferred."""
        breaker = self.breakers[job.entity]
        if not breaker.allow():
            self._release([job], breaker.retry_in_s(), settle)
            return 0
        started = time.perf_counter()
        try:
            async with transaction(self.sessions) as session:
                [outcome] = await _apply(self.handlers[job.entity], session, [job])
                elapsed_ms = (time.perf_counter() - started) * 1000.0
                await self._finish(session, [_completion(job, outcome, elapsed_ms)])
        except LeaseLost:
            log.warning("job %d ran but its lease had expired; the queue gave it to another run", job.job_id)
            self._breaker_succeeded(job.entity)  # the handler itself succeeded
            return 0
        except Exception as exc:  # the per-job boundary: the failure is recorded and retried or dead-lettered
            if is_unavailable(exc) and not await self._database_answers():
                self._breaker_failed(job.entity)  # an infrastructure failure: the breaker hears of it
                raise DatabaseUnavailable(job_id=job.job_id) from exc  # not the event's fault: hand it back
            # A lock or statement timeout, a deadlock: retried, and recorded as DatabaseBusy (transient).
            failed = as_busy(exc) or exc
            failure = await self._classify(job, failed)
            self._fail(job, failed, settle, (time.perf_counter() - started) * 1000.0, failure)
            return 0
        self._breaker_succeeded(job.entity)
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

    async def _classify(self, job: ClaimedJob, exc: Exception) -> Failure:
        """The classifier's verdict; for a data error PostgreSQL reports without its column, with
        the column named (the record planned again, read-only)."""
        handler = self.handlers.get(job.entity)
        failure = classify(exc, getattr(handler, "conflict_keys", None))
        if not failure.permanent or failure.sqlstate not in EXPLAINED:
            return failure
        try:
            async with transaction(self.sessions) as session:
                said = await explain(session, handler, to_event(job), failure.sqlstate)
        except Exception:  # the explanation is a courtesy: the failure stands without it
            log.debug("could not explain the failure of job %d", job.job_id, exc_info=True)
            said = None
        return replace(failure, message=said) if said else failure

    def _fail(
        self,
        job: ClaimedJob,
        exc: Exception,
        settle: Settlement,
        duration_ms: float,
        failure: Failure | None = None,
    ) -> None:
        handler = self.handlers.get(job.entity)
        failure = failure or classify(exc, getattr(handler, "conflict_keys", None))
        if failure.counts_for_breaker:  # a record's own fault never defers another record
            self._breaker_failed(job.entity)
        race_again = failure.verdict is Verdict.RACE and job.attempts > 1
        if failure.permanent or race_again or job.last_attempt:
            self._dead(job, exc, settle, duration_ms, failure)
            return
        if failure.delay_s is not None:
            delay_s = max(0.0, failure.delay_s)
        elif failure.verdict is Verdict.RACE:
            delay_s = RACE_RETRY_S
        else:
            delay_s = retry_delay_s(
                job.attempts, self.settings.retry_delays_s, self.settings.retry_jitter, self._rand
            )
        error = failure.line
        settle.reschedules.append(Reschedule(job.job_id, delay_s, error))
        settle.logs.append(_log(job, "retry", duration_ms, f"{error} (next try in {delay_s:.1f}s)"))
        log.warning(
            "job %d (%s) failed on attempt %d of %d, next try in %.1fs: %s",
            *(job.job_id, job.entity_key, job.attempts, job.max_attempts, delay_s, error),
        )

    def _dead(
        self,
        job: ClaimedJob,
        exc: Exception,
        settle: Settlement,
        duration_ms: float | None = None,
        failure: Failure | None = None,
    ) -> None:
        failure = failure or classify(exc)
        error = failure.line
        trace = "".join(traceback.format_exception(exc)) if exc.__traceback__ is not None else None
        settle.dead.append(DeadLetterRequest(job.job_id, error, trace, failure.verdict.value))
        settle.logs.append(_log(job, "dead", duration_ms, error))
        log.error(
            "job %d (%s) dead-lettered after %d attempt(s): %s",
            job.job_id,
            job.entity_key,
            job.attempts,
            error,
        )

    def _breaker_failed(self, entity: str) -> None:
        breaker = self.breakers[entity]
        was = breaker.state
        breaker.record_failure()
        if breaker.state is BreakerState.OPEN and was is not BreakerState.OPEN:
            log.warning(
                "circuit for %s opened after %d infrastructure failure(s); its events wait %.0fs",
                entity,
                breaker.consecutive_failures,
                breaker.retry_in_s(),
            )

    def _breaker_succeeded(self, entity: str) -> None:
        breaker = self.breakers[entity]
        if breaker.state is not BreakerState.CLOSED:
            log.info("circuit for %s closed: a job succeeded", entity)
        breaker.record_success()

    def _release(self, jobs: Sequence[ClaimedJob], delay_s: float, settle: Settlement) -> None:
        settle.releases[round(delay_s, 3)].extend(job.job_id for job in jobs)
        message = f"circuit open for {jobs[0].entity}; next try in {delay_s:.1f}s"
        settle.logs.extend(_log(job, "deferred", None, message) for job in jobs)

    async def _settle(self, settle: Settlement) -> None:
        """Records the batch's failures and deferrals in one transaction."""
        if not settle.logs:
            return
        try:
            async with transaction(self.sessions) as session:
                queue = QueueRepository(session)
                if settle.reschedules:
                    await queue.reschedule(self.worker_id, settle.reschedules)
                if settle.dead:
                    await queue.dead_letter(self.worker_id, settle.dead)
                for delay_s, job_ids in settle.releases.items():
                    await queue.release(self.worker_id, job_ids, delay_s)
                await WorkerRepository(session).add_logs(self.worker_id, settle.logs)
        except Exception:  # the batch boundary: the jobs keep their lease, which expires and frees them
            log.exception("could not record the failures of a batch; their leases will expire")


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


def _log(
    job: ClaimedJob, outcome: str, duration_ms: float | None, message: str | None = None
) -> SyncLogEntry:
    return SyncLogEntry(
        job.job_id, job.inbox_event_id, job.entity, job.entity_id, str(outcome), duration_ms, message
    )


def _describe(exc: BaseException) -> str:
    """One line for logs and the dead-letter queue: a database error without its SQL and parameters
    (the full statement and the record's data stay out of logs; the traceback keeps the detail)."""
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        return f"{type(exc).__name__}: {str(exc.orig).strip()}"
    detail = str(exc)
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
