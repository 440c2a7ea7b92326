"""Cluster-wide metrics read from PostgreSQL at scrape time, so every process's work is counted once.

Counters come from rows the processes write anyway (the processing log, the inbox): each scrape adds
the rows created since the previous one, up to `metrics.counter_settle_s` ago, so that a transaction
still open when a scrape runs is counted by a later scrape (no row is missed, none is counted twice).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from tds.config import Settings
from tds.followups.repository import FollowupRepository
from tds.healer.repository import ActionTotal, HealerRepository
from tds.insights.alerts import AlertCounts, AlertInsights
from tds.insights.repository import LatencyBuckets, OperationsRepository
from tds.zoho.repository import BudgetRepository

DEPTH_CAP = 100_000  # like the monitor: a scrape must stay cheap whatever the backlog
LATENCY_BOUNDS_S = (0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class WorkerCounters:
    worker_id: str
    state: str
    live: bool
    processed: int
    failed: int


@dataclass(frozen=True)
class ClusterMetrics:
    """Everything /metrics reports from the database."""

    queue_depth: dict[str, int]
    oldest_pending_age_s: float | None
    dead_letters_open: int
    jobs: dict[tuple[str, str], int]
    inbox: dict[tuple[str, str], int]
    latency: LatencyBuckets
    pull: list[tuple[str, int, int, int]]
    zoho_calls_today: int
    zoho_budget: int
    workers: list[WorkerCounters]
    breakers: list[tuple[str, str, str]]  # worker, entity, state
    alerts: AlertCounts
    healer: list[ActionTotal] = field(default_factory=list)
    followups_active: dict[tuple[str, str], int] = field(default_factory=dict)  # (kind, status)
    followups_finished: dict[tuple[str, str], int] = field(default_factory=dict)  # (kind, done|failed)


@dataclass
class _Cursor:
    """Totals so far and the creation time up to which rows are counted."""

    until: datetime = EPOCH
    totals: dict[tuple[str, str], int] = field(default_factory=dict)

    def add(self, rows: list[tuple[str, str, int]], until: datetime) -> None:
        for a, b, n in rows:
            self.totals[(a, b)] = self.totals.get((a, b), 0) + n
        self.until = until


class ClusterMetricsReader:
    """One per process: keeps the counter cursors between scrapes."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._jobs = _Cursor()
        self._inbox = _Cursor()
        self._followups = _Cursor()

    async def read(self, session: AsyncSession) -> ClusterMetrics:
        repo = OperationsRepository(session)
        now = await repo.now()
        await self._advance(session, now - timedelta(seconds=self.settings.metrics.counter_settle_s))
        _, dead_open = await repo.dead_letters(self.settings.monitor.dead_letter_window_s)
        workers = await self._workers(repo)
        return ClusterMetrics(
            queue_depth=await repo.queue_depth(DEPTH_CAP),
            oldest_pending_age_s=await repo.oldest_ready_age_s(),
            dead_letters_open=dead_open,
            jobs=dict(self._jobs.totals),
            inbox=dict(self._inbox.totals),
            latency=await repo.latency(self.settings.metrics.latency_window_s, LATENCY_BOUNDS_S),
            pull=await repo.pull_totals(),
            zoho_calls_today=await BudgetRepository(session).used(now.astimezone(UTC).date()),
            zoho_budget=self.settings.zoho.daily_request_budget,
            workers=[w for w, _ in workers],
            breakers=[b for _, bs in workers for b in bs],
            alerts=await AlertInsights(session).active_counts(),
            healer=await HealerRepository(session).totals(self.settings.monitor.stuck_window_s),
            followups_active=await FollowupRepository(session).active(),
            followups_finished=dict(self._followups.totals),
        )

    async def _advance(self, session: AsyncSession, until: datetime) -> None:
        if until <= self._jobs.until:
            return
        repo = OperationsRepository(session)
        self._jobs.add(await repo.log_counts(self._jobs.until, until), until)
        self._inbox.add(await repo.inbox_counts(self._inbox.until, until), until)
        finished = await FollowupRepository(session).finished(self._followups.until, until)
        self._followups.add(finished, until)

    async def _workers(
        self, repo: OperationsRepository
    ) -> list[tuple[WorkerCounters, list[tuple[str, str, str]]]]:
        """Workers heard from lately, each with the breakers it reports (only live workers' count)."""
        monitor = self.settings.monitor
        rows = await repo.worker_counters(monitor.heartbeat_missing_s.warning, monitor.heartbeat_forget_s)
        found = []
        for r in rows:
            worker = WorkerCounters(
                r["worker_id"], r["state"], bool(r["live"]), int(r["processed"]), int(r["failed"])
            )
            breakers = [(worker.worker_id, e, str(s)) for e, s in (r["breakers"] or {}).items()]
            found.append((worker, breakers if worker.live and worker.state == "running" else []))
        return found
