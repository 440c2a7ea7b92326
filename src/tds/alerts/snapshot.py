"""What the monitor sees in one round: a frozen snapshot of the installation, and what a rule finds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Severity = Literal["warning", "critical"]
SEVERITY_RANK: dict[str, int] = {"warning": 1, "critical": 2}
Detail = str | int | float | None


@dataclass(frozen=True)
class EntitySync:
    """When an entity last synced successfully, and how often a success is expected."""

    entity: str
    last_success_at: datetime | None
    expected_interval_s: float = 0.0


@dataclass(frozen=True)
class WorkerSeen:
    """A worker process as its heartbeat row last recorded it (breakers not closed, by entity)."""

    worker_id: str
    hostname: str
    state: str
    last_seen_at: datetime
    breakers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TokenHealth:
    """The Zoho access-token refreshes, as every process records them."""

    consecutive_failures: int = 0
    last_error: str | None = None
    last_failure_at: datetime | None = None
    last_success_at: datetime | None = None


@dataclass(frozen=True)
class OperationsSnapshot:
    """Everything the rules judge, read in one transaction at `taken_at`."""

    taken_at: datetime
    queue_by_status: dict[str, int] = field(default_factory=dict)
    oldest_pending_age_s: float | None = None
    attempts_finished: int = 0
    attempts_failed: int = 0
    dead_letters_new: int = 0
    dead_letters_open: int = 0
    entity_sync: tuple[EntitySync, ...] = ()
    workers: tuple[WorkerSeen, ...] = ()
    zoho_budget_used: int = 0
    zoho_budget_limit: int = 0
    token: TokenHealth = field(default_factory=TokenHealth)
    stuck_sweeps: int = 0
    stuck_jobs: int = 0

    @property
    def pending(self) -> int:
        return self.queue_by_status.get("pending", 0)

    def silence_s(self, worker: WorkerSeen) -> float:
        return (self.taken_at - worker.last_seen_at).total_seconds()


@dataclass(frozen=True)
class Finding:
    """A rule's verdict that something is wrong with `subject` (empty: the installation as a whole)."""

    rule: str
    severity: Severity
    message: str
    subject: str = ""
    details: dict[str, Detail] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return (self.rule, self.subject)
