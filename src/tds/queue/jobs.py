"""Queue values passed between the repository, the worker and the admin surfaces (frozen dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

ReplayableStatus = Literal["received", "processed", "skipped", "failed"]
REPLAYABLE_STATUSES: tuple[ReplayableStatus, ...] = ("received", "processed", "skipped", "failed")


@dataclass(frozen=True)
class ClaimedJob:
    """A job this worker now holds under lease, joined with the inbox fields a handler needs."""

    job_id: int
    inbox_event_id: int
    entity: str
    entity_key: str
    attempts: int
    max_attempts: int
    entity_id: str | None
    action: str
    payload: dict[str, Any] | None
    source: str
    source_modified_at: datetime | None

    @property
    def last_attempt(self) -> bool:
        return self.attempts >= self.max_attempts


@dataclass(frozen=True)
class Completion:
    """A job that ran: its final status (`succeeded` or `skipped`), the handler's outcome, the time taken."""

    job_id: int
    status: Literal["succeeded", "skipped"]
    outcome: str = "succeeded"
    duration_ms: float | None = None


@dataclass(frozen=True)
class Reschedule:
    """A failed attempt to run again after `delay_s` seconds."""

    job_id: int
    delay_s: float
    error: str


@dataclass(frozen=True)
class DeadLetterRequest:
    """A job that must not run again: it goes to the dead-letter queue with its error."""

    job_id: int
    error: str
    traceback: str | None = None
    verdict: str | None = None  # the classifier's (worker/classify.py): the healer retries `transient`


@dataclass(frozen=True)
class Recovery:
    """What a stuck-job sweep did: jobs back to pending, and jobs whose last attempt expired."""

    requeued: int
    dead_lettered: int


@dataclass(frozen=True)
class ReplayFilter:
    """Which inbox events to run again; every given field must match (received_at in [since, until))."""

    entity: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    status: ReplayableStatus | None = None

    @property
    def is_empty(self) -> bool:
        return self.entity is None and self.since is None and self.until is None and self.status is None


@dataclass(frozen=True)
class ReplayResult:
    """How many inbox events a replay matched, and how many got a new job (the rest had one queued)."""

    matched: int
    enqueued: int


@dataclass(frozen=True)
class DeadLetterView:
    """One dead-letter entry as the admin surfaces show it (traceback only when asked for one entry)."""

    id: int
    queue_job_id: int | None
    inbox_event_id: int
    entity: str
    entity_key: str
    attempts: int
    error: str
    failed_at: datetime
    replayed_at: datetime | None
    resolved_at: datetime | None
    discarded_at: datetime | None = None
    discard_reason: str | None = None
    traceback: str | None = None


@dataclass(frozen=True)
class QueueStats:
    """Job counts by status (overall and per entity), the oldest ready job's age, open dead letters."""

    by_status: dict[str, int]
    by_entity: dict[str, dict[str, int]]
    oldest_ready_age_s: float | None
    dead_letters_open: int
    workers: list[dict[str, Any]] = field(default_factory=list)
