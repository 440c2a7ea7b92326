"""The monitor's snapshot of the installation, read in parts (each one or two indexed queries)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tds.alerts.snapshot import EntitySync, OperationsSnapshot, TokenHealth, WorkerSeen
from tds.config import Settings
from tds.entities.catalog import ENTITY_NAMES
from tds.healer.repository import HealerRepository
from tds.insights.repository import OperationsRepository
from tds.zoho.repository import BudgetRepository, TokenHealthRepository

# Counting stops here: beyond ten times the default critical backlog the exact number changes nothing.
DEPTH_CAP = 100_000
Part = Callable[[], Awaitable[dict[str, Any]]]


class OperationsInsights:
    """Reads what the rules judge, inside the caller's transaction."""

    def __init__(self, session: AsyncSession, settings: Settings) -> None:
        self.session = session
        self.settings = settings
        self.repo = OperationsRepository(session)
        self.parts: dict[str, Part] = {
            "queue": self._queue,
            "oldest_pending": self._oldest,
            "attempts": self._attempts,
            "dead_letters": self._dead_letters,
            "sync": self._sync,
            "workers": self._workers,
            "budget": self._budget,
            "token": self._token,
            "stuck": self._stuck,
        }

    async def snapshot(self) -> OperationsSnapshot:
        """Every part, at the database's `now()`."""
        fields: dict[str, Any] = {"taken_at": await self.repo.now()}
        for read in self.parts.values():
            fields.update(await read())
        return OperationsSnapshot(**fields)

    def expected_syncs(self) -> dict[str, float]:
        """Entities expected to sync, with the interval a success is expected at (0: continuously)."""
        from tds.pull.factory import zoho_configured

        expected = dict.fromkeys(self.settings.monitor.sync_lag_entities, 0.0)
        pull = self.settings.pull
        if pull.scheduler_enabled and zoho_configured(self.settings):
            for entity in pull.entities or ENTITY_NAMES:
                expected[entity] = max(expected.get(entity, 0.0), pull.interval_s)
        return expected

    async def _queue(self) -> dict[str, Any]:
        return {"queue_by_status": await self.repo.queue_depth(DEPTH_CAP)}

    async def _oldest(self) -> dict[str, Any]:
        return {"oldest_pending_age_s": await self.repo.oldest_ready_age_s()}

    async def _attempts(self) -> dict[str, Any]:
        finished, failed = await self.repo.attempts(self.settings.monitor.failure_window_s)
        return {"attempts_finished": finished, "attempts_failed": failed}

    async def _dead_letters(self) -> dict[str, Any]:
        new, open_ = await self.repo.dead_letters(self.settings.monitor.dead_letter_window_s)
        return {"dead_letters_new": new, "dead_letters_open": open_}

    async def _sync(self) -> dict[str, Any]:
        expected = self.expected_syncs()
        last = await self.repo.last_success(list(expected)) if expected else {}
        syncs = tuple(EntitySync(entity, last.get(entity), interval) for entity, interval in expected.items())
        return {"entity_sync": syncs}

    async def _workers(self) -> dict[str, Any]:
        rows = await self.repo.workers(self.settings.monitor.heartbeat_forget_s)
        workers = tuple(
            WorkerSeen(
                r["worker_id"], r["hostname"], r["state"], r["last_seen_at"], dict(r["breakers"] or {})
            )
            for r in rows
        )
        return {"workers": workers}

    async def _budget(self) -> dict[str, Any]:
        used = await BudgetRepository(self.session).used(datetime.now(UTC).date())
        return {"zoho_budget_used": used, "zoho_budget_limit": self.settings.zoho.daily_request_budget}

    async def _token(self) -> dict[str, Any]:
        record = await TokenHealthRepository(self.session).read()
        return {"token": token_health(record)}

    async def _stuck(self) -> dict[str, Any]:
        sweeps, jobs = await HealerRepository(self.session).stuck_recent(self.settings.monitor.stuck_window_s)
        return {"stuck_sweeps": sweeps, "stuck_jobs": jobs}


def token_health(record: dict[str, object]) -> TokenHealth:
    """The stored refresh record as a TokenHealth (timestamps are ISO strings in JSON)."""
    failures = record.get("consecutive_failures")
    error = record.get("last_error")
    return TokenHealth(
        consecutive_failures=int(failures) if isinstance(failures, int | float | str) else 0,
        last_error=str(error) if error is not None else None,
        last_failure_at=_moment(record.get("last_failure_at")),
        last_success_at=_moment(record.get("last_success_at")),
    )


def _moment(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
