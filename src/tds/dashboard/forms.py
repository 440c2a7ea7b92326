"""Reading the dashboard's form and query fields into the values the services take."""

from __future__ import annotations

from datetime import UTC, datetime

from tds.errors import TdsError
from tds.insights.queue import JOB_STATUSES, JobFilter
from tds.queue.jobs import ReplayableStatus, ReplayFilter
from tds.queue.service import canonical_entity

# A replay selects inbox events; this is the inbox status that a job's final status leaves behind.
INBOX_STATUS_OF_JOB: dict[str, ReplayableStatus] = {
    "dead": "failed",
    "succeeded": "processed",
    "skipped": "skipped",
    "pending": "received",
}


class InvalidInput(TdsError):
    """A field of the form is not valid."""

    status_code = 400


def parse_time(value: str | None, name: str) -> datetime | None:
    """`2026-12-01T10:30` (a datetime-local field, read as UTC) or an ISO time with its offset."""
    if not value or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidInput(f"{name} must be a date and time like 2026-12-01T10:30 (UTC)") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def job_filter(entity: str | None, status: str | None, since: str | None, until: str | None) -> JobFilter:
    """The queue page's filter; blank fields match everything."""
    if status and status not in JOB_STATUSES:
        raise InvalidInput(f"status must be one of {', '.join(JOB_STATUSES)}")
    return JobFilter(
        entity=canonical_entity(entity) if entity else None,
        status=status or None,
        since=parse_time(since, "since"),
        until=parse_time(until, "until"),
    )


def replay_filter(where: JobFilter) -> ReplayFilter:
    """The inbox replay that matches a queue filter (a job status maps to its inbox status)."""
    status = None
    if where.status is not None:
        if where.status not in INBOX_STATUS_OF_JOB:
            allowed = ", ".join(INBOX_STATUS_OF_JOB)
            raise InvalidInput(f"a bulk replay needs a finished or pending status ({allowed}), or none")
        status = INBOX_STATUS_OF_JOB[where.status]
    return ReplayFilter(entity=where.entity, since=where.since, until=where.until, status=status)
