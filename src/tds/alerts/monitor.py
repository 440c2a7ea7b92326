"""The monitor loop: every `monitor.interval_s` one process (the advisory-lock holder) judges the rules,
opens, refreshes and resolves alerts, stores the due notices' deliveries with those changes and hands
them to the dispatcher (with any a stopped process left unsent), samples metrics, prunes old samples
and deliveries, runs the dead-letter retry policy, and removes finished work past its retention.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from tds.alerts.deliveries import Delivery, DeliveryRepository, Outcome
from tds.alerts.dispatch import Dispatcher
from tds.alerts.notifiers.base import Notice, NoticeKind
from tds.alerts.repository import AlertRepository, MetricSampleRepository
from tds.alerts.rules import RULE_NAMES, evaluate
from tds.alerts.samples import metric_samples
from tds.alerts.snapshot import SEVERITY_RANK, Finding, OperationsSnapshot
from tds.alerts.views import AlertView
from tds.config import Settings
from tds.db.engine import transaction
from tds.db.locks import AdvisoryLock
from tds.healer.service import HealerService
from tds.insights.operations import OperationsInsights
from tds.retention.repository import Pruned, RetentionRepository

log = logging.getLogger(__name__)
MONITOR_LOCK_KEY = 0x7D5_A1E7


@dataclass(frozen=True)
class MonitorRound:
    """What one round saw and did."""

    snapshot: OperationsSnapshot
    findings: list[Finding]
    opened: list[AlertView] = field(default_factory=list)
    resolved: list[AlertView] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    dead_letters_retried: int = 0
    samples_pruned: int = 0
    deliveries: int = 0  # stored deliveries started this round (new ones, and ones taken over)
    retention: Pruned = field(default_factory=Pruned)


class Monitor:
    """A loop service: `run_once()` is one round (tests call it); `run()` repeats it while leader."""

    def __init__(
        self,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession],
        settings: Settings,
        dispatcher: Dispatcher,
    ) -> None:
        self.engine = engine
        self.sessions = sessions
        self.settings = settings
        self.dispatcher = dispatcher
        self._connection: AsyncConnection | None = None
        self._lock: AdvisoryLock | None = None

    async def run_once(self) -> MonitorRound | None:
        """One round; None when another process is the monitor."""
        if self._lock is not None:
            return await self._round()
        async with self.engine.connect() as connection, AdvisoryLock(connection, MONITOR_LOCK_KEY) as held:
            return await self._round() if held else None

    async def run(self, stop: asyncio.Event) -> None:
        """Rounds every interval while this process holds the lock; tries to take it over otherwise."""
        interval_s = self.settings.monitor.interval_s
        try:
            while not stop.is_set():
                await self._lead_and_round()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=interval_s)
        finally:
            await self._step_down()
            sending = set(self.dispatcher.in_flight)
            await self.dispatcher.drain(timeout_s=5.0)
            await self._release(sending)

    async def _lead_and_round(self) -> None:
        try:
            if await self._lead():
                done = await self._round()
                if done.findings or done.resolved:
                    log.info(
                        "monitor: %d findings, %d opened, %d resolved, %d notices",
                        *(len(done.findings), len(done.opened), len(done.resolved), len(done.notices)),
                    )
        except Exception:  # the loop's boundary: log, give up the lead, and try again next interval
            log.exception("monitor round failed")
            await self._step_down()

    async def _lead(self) -> bool:
        """Keeps (or takes) the monitor lock on a dedicated connection; a lost connection loses the lead."""
        if self._lock is not None and await self._lock.still_held():
            return True
        await self._step_down()
        connection = await self.engine.connect()
        lock = AdvisoryLock(connection, MONITOR_LOCK_KEY)
        if await lock.acquire():
            self._connection, self._lock = connection, lock
            log.info("this process is now the monitor")
            return True
        await connection.close()
        return False

    async def _step_down(self) -> None:
        connection, lock = self._connection, self._lock
        self._connection = self._lock = None
        if connection is None or lock is None:
            return
        with contextlib.suppress(Exception):  # a broken connection released the lock with itself
            await lock.release()
        with contextlib.suppress(Exception):
            await connection.close()

    async def _round(self) -> MonitorRound:
        async with transaction(self.sessions) as session:
            snapshot = await OperationsInsights(session, self.settings).snapshot()
        findings = evaluate(snapshot, self.settings.monitor)
        lease_s, keep_s = self.dispatcher.lease_s, self.settings.metrics.retention_days * 86_400
        async with transaction(self.sessions) as session:
            opened, resolved, due = await self._apply(AlertRepository(session), findings)
            notices = [self.notice(alert, kind) for alert, kind in due]
            notices += [self.notice(alert, "resolved") for alert in resolved if alert.notifications > 0]
            # Stored with the alert change itself: a notice outlives a process stopping before it is sent.
            deliveries = DeliveryRepository(session)
            routed = [
                (notice, route.name) for notice in notices for route in self.dispatcher.routes_for(notice)
            ]
            stored = await deliveries.add(routed, lease_s)
            samples = MetricSampleRepository(session)
            await samples.add(metric_samples(snapshot))
            pruned = await samples.prune(keep_s)
            await deliveries.prune(keep_s)
        retried = await self._heal()
        async with transaction(self.sessions) as session:
            stored += await DeliveryRepository(session).reclaim(
                lease_s, busy=sorted(self.dispatcher.in_flight)
            )
        self.dispatcher.submit_stored(stored, self._record)
        kept = await self._retain()
        return MonitorRound(snapshot, findings, opened, resolved, notices, retried, pruned, len(stored), kept)

    async def _retain(self) -> Pruned:
        """Finished work past its retention, one batch of each kind (retention/repository.py)."""
        keep = self.settings.retention
        async with transaction(self.sessions) as session:
            done = await RetentionRepository(session).prune(keep.finished_days, keep.audit_days, keep.batch)
        if done.total:
            log.info(
                "retention removed %d inbox events (with their jobs and logs), %d audit rows, "
                "%d reconciliation runs, %d follow-ups, %d shadow outcomes",
                *(done.events, done.audit_rows, done.reconcile_runs, done.followups, done.shadow_outcomes),
            )
        return done

    async def _record(self, delivery: Delivery, outcome: Outcome) -> None:
        async with transaction(self.sessions) as session:
            await DeliveryRepository(session).finish(delivery.id, outcome)

    async def _release(self, ids: set[int]) -> None:
        """Lets go of the deliveries a stopping process did not finish: the next monitor sends them."""
        if not ids:
            return
        try:
            async with transaction(self.sessions) as session:
                await DeliveryRepository(session).release(sorted(ids))
        except Exception:  # they are taken back anyway once their lease ends
            log.warning("could not let go of %d alert deliveries", len(ids), exc_info=True)

    async def _apply(
        self, repo: AlertRepository, findings: list[Finding]
    ) -> tuple[list[AlertView], list[AlertView], list[tuple[AlertView, str]]]:
        written = await repo.upsert_findings(findings)
        opened = [alert for alert, before in written if before is None]
        raised = [
            alert.id
            for alert, before in written
            if before is not None and SEVERITY_RANK[alert.severity] > SEVERITY_RANK.get(before, 0)
        ]
        resolved = await repo.resolve_cleared(RULE_NAMES, findings)
        alerts = self.settings.alerts
        due = await repo.claim_due(
            raised=raised, escalate_s=alerts.escalate_after_s, repeat_s=alerts.repeat_interval_s
        )
        return opened, resolved, due

    async def _heal(self) -> int:
        healer = self.settings.healer
        if not healer.dlq_retry_enabled:
            return 0
        async with transaction(self.sessions) as session:
            service = HealerService(session, healer, self.settings.worker.max_attempts)
            return await service.retry_transient_dead_letters()

    def notice(self, alert: AlertView, kind: str) -> Notice:
        """The message for an alert: escalated alerts go out one severity up, to escalation channels too."""
        escalated = kind == "escalation" or alert.escalated_at is not None
        severity = "critical" if escalated else alert.severity
        link = self.settings.alerts.dashboard_url
        return Notice(
            kind=_kind(kind),
            rule=alert.rule,
            severity=severity,
            message=alert.message,
            subject=alert.subject,
            alert_id=alert.id,
            fired_at=alert.fired_at,
            escalated=escalated,
            details=dict(alert.details),
            link=link,
        )


def _kind(kind: str) -> NoticeKind:
    for known in ("firing", "repeat", "escalation", "resolved"):
        if kind == known:
            return known
    return "firing"
