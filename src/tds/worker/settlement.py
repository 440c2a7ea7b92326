"""What happens to the jobs of a batch that did not complete: classified, retried, dead-lettered or
deferred, with the breakers told; gathered over the batch and written in one transaction."""

from __future__ import annotations

import logging
import random
import traceback
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tds.config import WorkerSettings
from tds.db.engine import transaction
from tds.entities.explain import EXPLAINED, explain
from tds.entities.handler import EntityHandler, unwrapped
from tds.queue.jobs import ClaimedJob, DeadLetterRequest, Reschedule
from tds.queue.repository import QueueRepository
from tds.worker.breaker import BreakerBoard, BreakerState
from tds.worker.classify import Failure, Verdict, classify
from tds.worker.events import to_event
from tds.worker.repository import SyncLogEntry, WorkerRepository
from tds.worker.retry import retry_delay_s

log = logging.getLogger(__name__)

RACE_RETRY_S = 1.0  # a write that lost a race on its own key tries again soon, once


@dataclass
class Settlement:
    """Writes for the jobs that did not complete, gathered over a batch and applied in one transaction."""

    reschedules: list[Reschedule] = field(default_factory=list)
    dead: list[DeadLetterRequest] = field(default_factory=list)
    releases: dict[float, list[int]] = field(default_factory=lambda: defaultdict(list))
    logs: list[SyncLogEntry] = field(default_factory=list)


class FailureDesk:
    """Decides and records the fate of every job that failed or was deferred (worker/classify.py)."""

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

    async def classify(self, job: ClaimedJob, exc: Exception) -> Failure:
        """The classifier's verdict; for a data error PostgreSQL reports without its column, with
        the column named (the record planned again, read-only)."""
        handler = unwrapped(self.handlers.get(job.entity))
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

    def fail(
        self,
        job: ClaimedJob,
        exc: Exception,
        settle: Settlement,
        duration_ms: float,
        failure: Failure | None = None,
    ) -> None:
        handler = unwrapped(self.handlers.get(job.entity))
        failure = failure or classify(exc, getattr(handler, "conflict_keys", None))
        if failure.counts_for_breaker:  # a record's own fault never defers another record
            self.breaker_failed(job.entity)
        race_again = failure.verdict is Verdict.RACE and job.attempts > 1
        if failure.permanent or race_again or job.last_attempt:
            self.dead(job, exc, settle, duration_ms, failure)
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
        settle.logs.append(job_log(job, "retry", duration_ms, f"{error} (next try in {delay_s:.1f}s)"))
        log.warning(
            "job %d (%s) failed on attempt %d of %d, next try in %.1fs: %s",
            *(job.job_id, job.entity_key, job.attempts, job.max_attempts, delay_s, error),
        )

    def dead(
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
        settle.logs.append(job_log(job, "dead", duration_ms, error))
        log.error(
            "job %d (%s) dead-lettered after %d attempt(s): %s",
            job.job_id,
            job.entity_key,
            job.attempts,
            error,
        )

    def breaker_failed(self, entity: str) -> None:
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

    def breaker_succeeded(self, entity: str) -> None:
        breaker = self.breakers[entity]
        if breaker.state is not BreakerState.CLOSED:
            log.info("circuit for %s closed: a job succeeded", entity)
        breaker.record_success()

    def release(self, jobs: Sequence[ClaimedJob], delay_s: float, settle: Settlement) -> None:
        settle.releases[round(delay_s, 3)].extend(job.job_id for job in jobs)
        message = f"circuit open for {jobs[0].entity}; next try in {delay_s:.1f}s"
        settle.logs.extend(job_log(job, "deferred", None, message) for job in jobs)

    async def settle(self, settle: Settlement) -> None:
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


def job_log(
    job: ClaimedJob, outcome: str, duration_ms: float | None, message: str | None = None
) -> SyncLogEntry:
    return SyncLogEntry(
        job.job_id, job.inbox_event_id, job.entity, job.entity_id, str(outcome), duration_ms, message
    )
