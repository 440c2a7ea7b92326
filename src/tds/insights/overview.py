"""The overview: health of each part, queue counts, latency, metric charts, active alerts, Zoho budget."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from tds import __version__
from tds.db import migrate
from tds.insights.alerts import AlertInsights, AlertView
from tds.insights.overview_repository import OverviewRepository
from tds.pull.repository import SCHEDULER_LOCK_KEY
from tds.queue.operator_repository import OperatorRepository
from tds.worker.repository import WorkerRepository
from tds.zoho.repository import BudgetRepository

State = Literal["ok", "warn", "down", "off"]
WINDOWS_S: dict[str, float] = {"1h": 3600.0, "24h": 86_400.0, "7d": 604_800.0}
BUCKETS_PER_CHART = 60
# The operations monitor's samples, in the order the overview shows them (others follow by name).
CHART_ORDER = (
    "attempts_succeeded",
    "failure_rate",
    "queue_pending",
    "oldest_pending_age_s",
    "dead_letters_open",
    "dead_letters_new",
    "zoho_budget_used",
    "sync_lag_s",
)
MAX_CHARTS = 12
LATENCY_WINDOW_S = 3600.0
FINISHED_WINDOW_S = 86_400.0  # succeeded and skipped jobs are counted over the last day


@dataclass(frozen=True)
class OverviewOptions:
    """What the overview needs to know of the configuration."""

    heartbeat_interval_s: float
    zoho_configured: bool
    scheduler_enabled: bool
    daily_budget: int
    zoho_stats: dict[str, int | float | None] | None = None  # this process's Zoho client counters


@dataclass(frozen=True)
class PartHealth:
    """One part of the service (API, database, workers, scheduler, Zoho token) and how it is."""

    name: str
    state: State
    detail: str


@dataclass(frozen=True)
class WorkerHealth:
    worker_id: str
    hostname: str
    state: str
    in_flight: int
    processed: int
    failed: int
    last_seen_at: datetime
    age_s: float
    alive: bool


@dataclass(frozen=True)
class Series:
    """One metric over the chosen window, bucketed (bucket start, value)."""

    name: str
    points: list[tuple[datetime, float]]


@dataclass(frozen=True)
class Latency:
    """End-to-end time from receipt to ERP write, over the last hour of received events."""

    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    samples: int


@dataclass(frozen=True)
class Budget:
    used: int
    limit: int

    @property
    def share(self) -> float:
        return self.used / self.limit if self.limit else 0.0


@dataclass(frozen=True)
class Overview:
    """Everything on the overview; `queue_by_status` counts succeeded and skipped over FINISHED_WINDOW_S."""

    generated_at: datetime
    window: str
    parts: list[PartHealth]
    workers: list[WorkerHealth]
    queue_by_status: dict[str, int]
    oldest_ready_age_s: float | None
    dead_letters_open: int
    latency: Latency
    budget: Budget | None
    charts: list[Series]
    open_alerts: list[AlertView] = field(default_factory=list)
    open_alert_count: int = 0


class OverviewInsights:
    """Builds the overview from one session (read-only)."""

    def __init__(self, session: AsyncSession, options: OverviewOptions) -> None:
        self.session = session
        self.options = options
        self.repo = OverviewRepository(session)

    async def overview(self, window: str = "1h") -> Overview:
        window = window if window in WINDOWS_S else "1h"
        workers = await self.workers()
        api = PartHealth("API", "ok", f"answering (TDS Core {__version__})")
        parts = [api, await self._database(), _workers_health(workers), await self._scheduler(), self._zoho()]
        oldest, dead_open = await OperatorRepository(self.session).backlog()
        alerts = AlertInsights(self.session)
        return Overview(
            generated_at=datetime.now(UTC),
            window=window,
            parts=parts,
            workers=workers,
            queue_by_status=await self.repo.status_counts(FINISHED_WINDOW_S),
            oldest_ready_age_s=oldest,
            dead_letters_open=dead_open,
            latency=await self.latency(),
            budget=await self.budget(),
            charts=await self.charts(window),
            open_alerts=await alerts.alerts(limit=5),
            open_alert_count=(await alerts.active_counts()).active,
        )

    async def workers(self) -> list[WorkerHealth]:
        now = datetime.now(UTC)
        limit_s = 3 * self.options.heartbeat_interval_s
        rows = await WorkerRepository(self.session).list_workers()
        return [
            WorkerHealth(
                **{k: getattr(r, k) for k in ("worker_id", "hostname", "state", "in_flight", "processed")},
                failed=r.failed,
                last_seen_at=r.last_seen_at,
                age_s=(age := (now - r.last_seen_at).total_seconds()),
                alive=age <= limit_s and r.state != "stopped",
            )
            for r in rows
        ]

    async def latency(self) -> Latency:
        percentiles, samples = await self.repo.latency_ms(LATENCY_WINDOW_S)
        p50, p95, p99 = percentiles if percentiles else (None, None, None)
        return Latency(p50, p95, p99, samples)

    async def budget(self) -> Budget | None:
        if not self.options.zoho_configured:
            return None
        used = await BudgetRepository(self.session).used(datetime.now(UTC).date())
        return Budget(used=used, limit=self.options.daily_budget)

    async def charts(self, window: str) -> list[Series]:
        window_s = WINDOWS_S[window]
        bucket_s = window_s / BUCKETS_PER_CHART
        names = await self.repo.metric_names(window_s, MAX_CHARTS)
        if not names:
            return []
        series = await self.repo.metric_series(names, window_s, bucket_s)
        return [Series(name, series[name]) for name in sorted(names, key=chart_order)]

    async def _database(self) -> PartHealth:
        started = time.perf_counter()
        await self.repo.ping()
        ping_ms = (time.perf_counter() - started) * 1000
        current = await migrate.current_revision(await self.session.connection())
        head = migrate.head_revision()
        if current != head:
            return PartHealth("Database", "warn", f"schema at {current}, code expects {head}")
        return PartHealth("Database", "ok", f"answers in {ping_ms:.1f} ms, schema at {current}")

    async def _scheduler(self) -> PartHealth:
        if not self.options.zoho_configured:
            return PartHealth("Scheduler", "off", "no incremental pull: Zoho Books is not configured")
        if not self.options.scheduler_enabled:
            return PartHealth(
                "Scheduler", "off", "incremental pull switched off (TDS_PULL__SCHEDULER_ENABLED)"
            )
        held, last_run = await self.repo.scheduler(SCHEDULER_LOCK_KEY)
        last = f"last incremental run {last_run:%Y-%m-%d %H:%M} UTC" if last_run else "no run yet"
        return PartHealth(
            "Scheduler", "ok" if held else "warn", ("running; " if held else "not running; ") + last
        )

    def _zoho(self) -> PartHealth:
        if not self.options.zoho_configured:
            return PartHealth("Zoho token", "off", "Zoho Books is not configured")
        stats = self.options.zoho_stats
        if not stats:
            return PartHealth("Zoho token", "ok", "refresh token configured; no call from this process yet")
        detail = (
            f"{stats['token_refreshes']} token refreshes, {stats['requests']} calls, {stats['errors']} errors"
        )
        return PartHealth("Zoho token", "warn" if stats["errors"] else "ok", f"{detail} (this process)")


def chart_order(name: str) -> tuple[int, str]:
    return (CHART_ORDER.index(name) if name in CHART_ORDER else len(CHART_ORDER), name)


def _workers_health(workers: list[WorkerHealth]) -> PartHealth:
    alive = [w for w in workers if w.alive]
    if alive:
        newest = min(w.age_s for w in alive)
        return PartHealth("Workers", "ok", f"{len(alive)} alive, last heartbeat {newest:.0f} s ago")
    if workers:
        return PartHealth("Workers", "down", f"none alive ({len(workers)} seen before)")
    return PartHealth("Workers", "down", "no worker has reported")
