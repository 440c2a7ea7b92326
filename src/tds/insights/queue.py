"""Read-only views of the queue for the dashboard: filtered job pages, a job's detail, dead-letter groups."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tds.insights.queue_repository import QueueInsightsRepository
from tds.queue.jobs import ReplayFilter

PAGE_SIZE = 50
COUNT_CAP = 10_000
JOB_STATUSES = ("pending", "processing", "succeeded", "skipped", "dead", "cancelled")


@dataclass(frozen=True)
class JobFilter:
    """Which jobs to list: every given field must match (created_at in [since, until))."""

    entity: str | None = None
    status: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def params(self) -> dict[str, Any]:
        return {"entity": self.entity, "status": self.status, "since": self.since, "until": self.until}


@dataclass(frozen=True)
class JobRow:
    id: int
    inbox_event_id: int
    entity: str
    entity_key: str
    status: str
    attempts: int
    max_attempts: int
    created_at: datetime
    updated_at: datetime
    run_after: datetime
    finished_at: datetime | None
    locked_by: str | None
    last_error: str | None


@dataclass(frozen=True)
class JobPage:
    jobs: list[JobRow]
    next_before_id: int | None


@dataclass(frozen=True)
class AuditChange:
    """One ERP row change: the fields that changed with their values before and after."""

    erp_table: str
    action: str
    changed_at: datetime
    fields: list[tuple[str, str, str]]


@dataclass(frozen=True)
class JobDetail:
    job: JobRow
    event: dict[str, Any] | None
    attempts: list[dict[str, Any]] = field(default_factory=list)
    dead_letters: list[dict[str, Any]] = field(default_factory=list)
    audit: list[AuditChange] = field(default_factory=list)


@dataclass(frozen=True)
class DeadLetterGroup:
    """Open dead letters of one entity that failed with the same error (its first line)."""

    entity: str
    error: str
    entries: int
    first_failed_at: datetime
    last_failed_at: datetime
    newest_id: int


class QueueInsights:
    """Queue reads for the dashboard, through one session."""

    def __init__(self, session: AsyncSession) -> None:
        self.repo = QueueInsightsRepository(session)

    async def jobs(self, where: JobFilter, before_id: int | None = None, limit: int = PAGE_SIZE) -> JobPage:
        rows = await self.repo.jobs({**where.params(), "before_id": before_id, "limit": limit + 1})
        jobs = [JobRow(**row) for row in rows[:limit]]
        return JobPage(jobs, jobs[-1].id if len(rows) > limit else None)

    async def count(self, where: JobFilter, cap: int = COUNT_CAP) -> tuple[int, bool]:
        """Matching jobs, counted up to `cap`; the flag says the count stopped there."""
        counted = await self.repo.count_jobs({**where.params(), "cap": cap + 1})
        return min(counted, cap), counted > cap

    async def count_replayable(self, where: ReplayFilter, cap: int = COUNT_CAP) -> tuple[int, bool]:
        """Inbox events a filtered replay would select, counted up to `cap`."""
        params = {"entity": where.entity, "since": where.since, "until": where.until, "status": where.status}
        counted = await self.repo.count_replayable({**params, "cap": cap + 1})
        return min(counted, cap), counted > cap

    async def job(self, job_id: int) -> JobDetail | None:
        row = await self.repo.job(job_id)
        if row is None:
            return None
        job = JobRow(**row)
        return JobDetail(
            job=job,
            event=await self.repo.event(job.inbox_event_id),
            attempts=await self.repo.job_logs(job_id),
            dead_letters=await self.repo.job_dead_letters(job_id),
            audit=[audit_change(r) for r in await self.repo.job_audit(job_id)],
        )

    async def dead_letter_groups(self, limit: int = 100) -> list[DeadLetterGroup]:
        return [DeadLetterGroup(**row) for row in await self.repo.dead_letter_groups(limit)]

    async def group_entries(self, entity: str, error: str, limit: int = PAGE_SIZE) -> list[dict[str, Any]]:
        return await self.repo.group_entries(entity, error, limit)

    async def closed_dead_letters(self, limit: int = 20) -> list[dict[str, Any]]:
        return await self.repo.closed_dead_letters(limit)


def audit_change(row: dict[str, Any]) -> AuditChange:
    """An audit row as (field, before, after): the changed fields, or (insert, delete) every non-empty one."""
    before, after = row["before"] or {}, row["after"] or {}
    names = row["changed_fields"] or sorted(set(before) | set(after))
    shown = [(name, _shown(before.get(name)), _shown(after.get(name))) for name in names]
    fields = [(name, old, new) for name, old, new in shown if old or new]
    return AuditChange(row["erp_table"], row["action"], row["changed_at"], fields)


def _shown(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
