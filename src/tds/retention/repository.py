"""SQL of retention: removes finished work older than a cut-off, at most `limit` rows a statement.

An inbox event goes with its jobs (ON DELETE CASCADE), its closed dead letters (the same) and the
processing logs of its jobs, once nothing of it is left to do: no job pending or processing, no
open dead letter, not still `received`. The oldest go first; rows another transaction holds are
left for the next round (SKIP LOCKED).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import TextClause
from sqlalchemy.ext.asyncio import AsyncSession

from tds.db.schema import tds_text

FINISHED_EVENTS_SQL = tds_text("""
WITH doomed AS (
    SELECT e.id FROM tds.tds_inbox_events AS e
    WHERE e.received_at < now() - make_interval(secs => :keep_s) AND e.status <> 'received'
      AND NOT EXISTS (SELECT 1 FROM tds.tds_sync_queue AS q
                      WHERE q.inbox_event_id = e.id AND q.status IN ('pending', 'processing'))
      AND NOT EXISTS (SELECT 1 FROM tds.tds_dead_letter_queue AS d
                      WHERE d.inbox_event_id = e.id AND d.resolved_at IS NULL)
    ORDER BY e.received_at LIMIT :limit FOR UPDATE OF e SKIP LOCKED
), logs AS (
    DELETE FROM tds.tds_sync_logs AS l USING tds.tds_sync_queue AS q, doomed
    WHERE q.inbox_event_id = doomed.id AND l.queue_job_id = q.id
), gone AS (
    DELETE FROM tds.tds_inbox_events AS e USING doomed WHERE e.id = doomed.id RETURNING 1
)
SELECT count(*) FROM gone
""")


def _older_rows(table: str, column: str) -> TextClause:
    """Removes the rows of `table` whose `column` is older than :keep_s seconds, :limit at most."""
    return tds_text(f"""
WITH gone AS (
    DELETE FROM {table} WHERE id IN (
        SELECT id FROM {table} WHERE {column} < now() - make_interval(secs => :keep_s)
        ORDER BY {column} LIMIT :limit)
    RETURNING 1
)
SELECT count(*) FROM gone
""")


AUDIT_SQL = _older_rows("tds.tds_audit_trail", "changed_at")
RECONCILE_RUNS_SQL = _older_rows("tds.tds_reconcile_runs", "finished_at")  # their differences cascade
FOLLOWUPS_SQL = _older_rows("tds.tds_followups", "finished_at")  # done or given up; waiting ones have none
SHADOW_SQL = _older_rows("tds.tds_shadow_outcomes", "recorded_at")  # what shadow mode said would happen
DAY_S = 86_400.0


@dataclass(frozen=True)
class Pruned:
    """What one round removed."""

    events: int = 0
    audit_rows: int = 0
    reconcile_runs: int = 0
    followups: int = 0
    shadow_outcomes: int = 0

    @property
    def total(self) -> int:
        return self.events + self.audit_rows + self.reconcile_runs + self.followups + self.shadow_outcomes


class RetentionRepository:
    """Removes old finished work in the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def prune(self, finished_days: float, audit_days: float, limit: int) -> Pruned:
        """One batch of each kind; a period of 0 days keeps that kind."""
        events = runs = audit = followups = shadow = 0
        if finished_days > 0:
            events = await self._count(FINISHED_EVENTS_SQL, finished_days, limit)
            runs = await self._count(RECONCILE_RUNS_SQL, finished_days, limit)
            followups = await self._count(FOLLOWUPS_SQL, finished_days, limit)
            shadow = await self._count(SHADOW_SQL, finished_days, limit)
        if audit_days > 0:
            audit = await self._count(AUDIT_SQL, audit_days, limit)
        return Pruned(events, audit, runs, followups, shadow)

    async def _count(self, statement: TextClause, days: float, limit: int) -> int:
        params = {"keep_s": days * DAY_S, "limit": limit}
        return int(await self.session.scalar(statement, params) or 0)
