"""The complete health report: each part of the installation with a status and a reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from tds.config import Settings
from tds.insights.alerts import AlertInsights
from tds.insights.operations import OperationsInsights, token_health
from tds.insights.repository import OperationsRepository
from tds.zoho.repository import TokenHealthRepository

Status = Literal["ok", "warning", "critical", "disabled"]
RANK: dict[str, int] = {"disabled": 0, "ok": 0, "warning": 1, "critical": 2}


@dataclass(frozen=True)
class Part:
    status: Status
    detail: str
    data: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class HealthReport:
    parts: dict[str, Part]

    @property
    def status(self) -> Status:
        worst = max((RANK[p.status] for p in self.parts.values()), default=0)
        return "critical" if worst == 2 else "warning" if worst == 1 else "ok"


class HealthInsights:
    """Reads each part's state inside the caller's transaction."""

    def __init__(self, session: AsyncSession, settings: Settings) -> None:
        self.session = session
        self.settings = settings
        self.repo = OperationsRepository(session)

    async def report(self, migrations: Part) -> HealthReport:
        now = await self.repo.now()
        pulled_at, sampled_at = await self.repo.last_rounds()
        parts = {
            "database": Part("ok", "answers"),
            "migrations": migrations,
            "workers": await self._workers(),
            "scheduler": self._scheduler(now, pulled_at),
            "monitor": self._monitor(now, sampled_at),
            "zoho_token": await self._token(),
            "breakers": await self._breakers(),
            "alerts": await self._alerts(),
        }
        return HealthReport(parts)

    async def _workers(self) -> Part:
        monitor = self.settings.monitor
        rows = await self.repo.worker_counters(
            monitor.heartbeat_missing_s.warning, monitor.heartbeat_forget_s
        )
        running = [r for r in rows if r["state"] == "running"]
        live = [r for r in running if r["live"]]
        data: dict[str, object] = {"live": len(live), "silent": len(running) - len(live)}
        if not live:
            return Part("critical", "no live worker", data)
        if len(live) < len(running):
            return Part("warning", f"{len(running) - len(live)} running worker(s) silent", data)
        return Part("ok", f"{len(live)} live worker(s)", data)

    def _scheduler(self, now: datetime, pulled_at: datetime | None) -> Part:
        pull = self.settings.pull
        expected = OperationsInsights(self.session, self.settings).expected_syncs()
        if not pull.scheduler_enabled or not any(v > 0 for v in expected.values()):
            return Part("disabled", "incremental pull is off or Zoho is not configured")
        if pulled_at is None:
            return Part("warning", "no incremental pull has succeeded yet")
        age_s = (now - pulled_at).total_seconds()
        status: Status = (
            "ok" if age_s <= 2 * pull.interval_s + self.settings.monitor.sync_lag_s.warning else "warning"
        )
        return Part(status, f"last incremental pull succeeded {age_s:.0f} s ago", {"age_s": round(age_s, 1)})

    def _monitor(self, now: datetime, sampled_at: datetime | None) -> Part:
        monitor = self.settings.monitor
        if not monitor.enabled:
            return Part("disabled", "monitor loop is off")
        if sampled_at is None:
            return Part("warning", "the monitor has not run yet")
        age_s = (now - sampled_at).total_seconds()
        status: Status = "ok" if age_s <= 3 * monitor.interval_s else "warning"
        return Part(status, f"last monitor round {age_s:.0f} s ago", {"age_s": round(age_s, 1)})

    async def _token(self) -> Part:
        token = token_health(await TokenHealthRepository(self.session).read())
        limits = self.settings.monitor.token_refresh_failures
        if token.consecutive_failures >= limits.critical:
            return Part("critical", f"token refresh failing: {token.last_error}")
        if token.consecutive_failures >= limits.warning:
            return Part("warning", f"last token refresh failed: {token.last_error}")
        if token.last_success_at is None:
            return Part("disabled", "no token refresh recorded")
        return Part("ok", f"last refresh {token.last_success_at.isoformat(timespec='seconds')}")

    async def _breakers(self) -> Part:
        monitor = self.settings.monitor
        rows = await self.repo.worker_counters(
            monitor.heartbeat_missing_s.warning, monitor.heartbeat_forget_s
        )
        opened = sorted(
            {e for r in rows if r["live"] for e, s in (r["breakers"] or {}).items() if s != "closed"}
        )
        if not opened:
            return Part("ok", "all closed")
        return Part("warning", f"open for {', '.join(opened)}", {"entities": opened})

    async def _alerts(self) -> Part:
        counts = await AlertInsights(self.session).active_counts()
        data: dict[str, object] = {"by_severity": counts.by_severity, "by_status": counts.by_status}
        if counts.by_severity.get("critical"):
            return Part("critical", f"{counts.by_severity['critical']} critical alert(s) active", data)
        if counts.active:
            return Part("warning", f"{counts.active} alert(s) active", data)
        return Part("ok", "no active alert", data)


async def migrations_part(connection: AsyncConnection) -> Part:
    from tds.db import migrate

    current = await migrate.current_revision(connection)
    head = migrate.head_revision()
    if current == head:
        return Part("ok", f"at {head}")
    return Part("critical", f"at {current}, code expects {head}")
