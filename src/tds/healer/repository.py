"""All healer SQL: its action log, the dead letters its retry policy may take, and its counts."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tds.db.schema import tds_text
from tds.queue.jobs import Recovery

STUCK_REQUEUED = "stuck_requeued"
STUCK_DEAD_LETTERED = "stuck_dead_lettered"
DLQ_RETRIED = "dlq_retried"

INSERT_ACTION_SQL = tds_text("""
INSERT INTO tds.tds_healer_actions (action, count, dead_letter_id, inbox_event_id, details)
VALUES (:action, :count, :dead_letter_id, :inbox_event_id, CAST(:details AS jsonb))
""")

# Open dead letters old enough, transient by the worker's classifier or of an error class (the text
# before the first ':') the operator lists as transient, whose event the policy has retried fewer than
# :max_retries times; locked so two healers never share one.
RETRY_CANDIDATES_SQL = tds_text("""
SELECT d.id, d.inbox_event_id, d.error FROM tds.tds_dead_letter_queue AS d
WHERE d.resolved_at IS NULL
  AND d.failed_at <= now() - make_interval(secs => :after_s)
  AND (d.verdict = 'transient' OR split_part(d.error, ':', 1) = ANY(CAST(:classes AS text[])))
  AND (SELECT count(*) FROM tds.tds_healer_actions AS h
       WHERE h.action = 'dlq_retried' AND h.inbox_event_id = d.inbox_event_id) < :max_retries
ORDER BY d.failed_at, d.id
LIMIT :limit
FOR UPDATE OF d SKIP LOCKED
""")

# Open dead letters by what the policy will do with them: retry later, never (permanent), or no more.
DLQ_OUTLOOK_SQL = tds_text("""
SELECT count(*) FILTER (WHERE NOT transient) AS permanent,
       count(*) FILTER (WHERE transient AND retries < :max_retries) AS transient_waiting,
       count(*) FILTER (WHERE transient AND retries >= :max_retries) AS exhausted
FROM (SELECT d.verdict IS NOT DISTINCT FROM 'transient'
             OR split_part(d.error, ':', 1) = ANY(CAST(:classes AS text[])) AS transient,
             (SELECT count(*) FROM tds.tds_healer_actions AS h
              WHERE h.action = 'dlq_retried' AND h.inbox_event_id = d.inbox_event_id) AS retries
      FROM tds.tds_dead_letter_queue AS d WHERE d.resolved_at IS NULL) AS open_letters
""")

# Totals per action since the start, and within the last :window_s seconds (sweeps and jobs).
ACTION_TOTALS_SQL = tds_text("""
SELECT action, count(*) AS times, COALESCE(sum(count), 0) AS items,
       count(*) FILTER (WHERE at >= now() - make_interval(secs => :window_s)) AS recent_times,
       COALESCE(sum(count) FILTER (WHERE at >= now() - make_interval(secs => :window_s)), 0) AS recent_items
FROM tds.tds_healer_actions GROUP BY action
""")

# Stuck-lease sweeps that found work, and the jobs they returned, in the last :window_s seconds.
STUCK_RECENT_SQL = tds_text("""
SELECT count(*), COALESCE(sum(count), 0) FROM tds.tds_healer_actions
WHERE action = 'stuck_requeued' AND at >= now() - make_interval(secs => :window_s)
""")

# The latest actions, newest first.
RECENT_ACTIONS_SQL = tds_text("""
SELECT id, action, count, dead_letter_id, inbox_event_id, details, at
FROM tds.tds_healer_actions ORDER BY at DESC, id DESC LIMIT :limit
""")


@dataclass(frozen=True)
class RetryCandidate:
    dead_letter_id: int
    inbox_event_id: int
    error: str


@dataclass(frozen=True)
class ActionTotal:
    """How often an action ran and on how many items, overall and in the recent window."""

    action: str
    times: int
    items: int
    recent_times: int
    recent_items: int


class HealerRepository:
    """The healer's rows inside the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(
        self,
        action: str,
        count: int = 1,
        *,
        dead_letter_id: int | None = None,
        inbox_event_id: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        params = {
            "action": action,
            "count": count,
            "dead_letter_id": dead_letter_id,
            "inbox_event_id": inbox_event_id,
            "details": json.dumps(details or {}),
        }
        await self.session.execute(INSERT_ACTION_SQL, params)

    async def record_recovery(self, recovery: Recovery) -> None:
        """Logs a stuck-lease sweep that found something (the stuck-work rule counts these)."""
        if recovery.requeued:
            await self.record(STUCK_REQUEUED, recovery.requeued)
        if recovery.dead_lettered:
            await self.record(STUCK_DEAD_LETTERED, recovery.dead_lettered)

    async def retry_candidates(
        self, *, classes: Sequence[str], after_s: float, max_retries: int, limit: int
    ) -> list[RetryCandidate]:
        params = {"classes": list(classes), "after_s": after_s, "max_retries": max_retries, "limit": limit}
        rows = await self.session.execute(RETRY_CANDIDATES_SQL, params)
        return [RetryCandidate(int(i), int(e), str(err)) for i, e, err in rows]

    async def dlq_outlook(self, *, classes: Sequence[str], max_retries: int) -> dict[str, int]:
        params = {"classes": list(classes), "max_retries": max_retries}
        row = (await self.session.execute(DLQ_OUTLOOK_SQL, params)).mappings().one()
        return {key: int(value) for key, value in row.items()}

    async def totals(self, window_s: float) -> list[ActionTotal]:
        rows = await self.session.execute(ACTION_TOTALS_SQL, {"window_s": window_s})
        return [ActionTotal(str(a), int(t), int(i), int(rt), int(ri)) for a, t, i, rt, ri in rows]

    async def stuck_recent(self, window_s: float) -> tuple[int, int]:
        sweeps, jobs = (await self.session.execute(STUCK_RECENT_SQL, {"window_s": window_s})).one()
        return int(sweeps), int(jobs)

    async def recent(self, limit: int) -> list[dict[str, Any]]:
        rows = await self.session.execute(RECENT_ACTIONS_SQL, {"limit": limit})
        return [dict(row) for row in rows.mappings()]
