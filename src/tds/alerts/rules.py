"""The alert rules: pure functions from a snapshot and the thresholds to findings (no I/O)."""

from __future__ import annotations

from collections.abc import Callable

from tds.alerts.snapshot import Detail, Finding, OperationsSnapshot, Severity
from tds.config_operations import MonitorSettings, Threshold

Rule = Callable[[OperationsSnapshot, MonitorSettings], list[Finding]]
LIVE_BREAKER_STATES = frozenset({"open", "half_open"})


def grade(value: float | None, threshold: Threshold) -> Severity | None:
    """critical at or above `critical`, warning at or above `warning`, else nothing."""
    if value is None:
        return None
    if value >= threshold.critical:
        return "critical"
    if value >= threshold.warning:
        return "warning"
    return None


def _one(
    rule: str, value: float | None, threshold: Threshold, message: str, **details: float
) -> list[Finding]:
    severity = grade(value, threshold)
    if severity is None:
        return []
    limit = threshold.critical if severity == "critical" else threshold.warning
    return [Finding(rule, severity, message, details={"value": value, "threshold": limit, **details})]


def queue_backlog(snap: OperationsSnapshot, limits: MonitorSettings) -> list[Finding]:
    """Too many jobs waiting."""
    return _one("queue_backlog", snap.pending, limits.queue_backlog, f"{snap.pending} jobs pending")


def oldest_pending(snap: OperationsSnapshot, limits: MonitorSettings) -> list[Finding]:
    """The oldest ready job has waited too long (workers stopped or overwhelmed)."""
    age = snap.oldest_pending_age_s
    message = f"the oldest ready job has waited {_duration(age or 0)}"
    return _one("oldest_pending", age, limits.oldest_pending_s, message)


def failure_rate(snap: OperationsSnapshot, limits: MonitorSettings) -> list[Finding]:
    """Too large a share of the window's attempts failed (only with enough attempts to judge)."""
    if snap.attempts_finished < limits.failure_min_attempts:
        return []
    rate = snap.attempts_failed / snap.attempts_finished
    message = (
        f"{rate:.1%} of attempts failed in the last {_duration(limits.failure_window_s)} "
        f"({snap.attempts_failed} of {snap.attempts_finished})"
    )
    return _one("failure_rate", rate, limits.failure_rate, message, attempts=snap.attempts_finished)


def dead_letter_growth(snap: OperationsSnapshot, limits: MonitorSettings) -> list[Finding]:
    """Many jobs reached the dead-letter queue recently."""
    message = (
        f"{snap.dead_letters_new} new dead letters in the last {_duration(limits.dead_letter_window_s)} "
        f"({snap.dead_letters_open} open)"
    )
    return _one("dead_letter_growth", snap.dead_letters_new, limits.dead_letter_growth, message)


def sync_lag(snap: OperationsSnapshot, limits: MonitorSettings) -> list[Finding]:
    """An entity expected to sync has had no success for longer than its interval plus the threshold."""
    found: list[Finding] = []
    for sync in snap.entity_sync:
        if sync.last_success_at is None:
            continue  # never synced yet: nothing was expected of it so far
        since_s = (snap.taken_at - sync.last_success_at).total_seconds()
        overdue_s = since_s - sync.expected_interval_s
        severity = grade(overdue_s, limits.sync_lag_s)
        if severity is not None:
            message = f"no successful sync of {sync.entity} for {_duration(since_s)}"
            details: dict[str, Detail] = {
                "since_s": round(since_s, 1),
                "expected_interval_s": sync.expected_interval_s,
            }
            found.append(Finding("sync_lag", severity, message, sync.entity, details))
    return found


def worker_heartbeat(snap: OperationsSnapshot, limits: MonitorSettings) -> list[Finding]:
    """A running worker stopped reporting (killed, hung or cut off from the database)."""
    found: list[Finding] = []
    for worker in snap.workers:
        silence_s = snap.silence_s(worker)
        if worker.state != "running" or silence_s >= limits.heartbeat_forget_s:
            continue
        severity = grade(silence_s, limits.heartbeat_missing_s)
        if severity is not None:
            message = f"worker {worker.worker_id} on {worker.hostname} silent for {_duration(silence_s)}"
            detail: dict[str, Detail] = {"silence_s": round(silence_s, 1), "hostname": worker.hostname}
            found.append(Finding("worker_heartbeat", severity, message, worker.worker_id, detail))
    return found


def zoho_budget(snap: OperationsSnapshot, limits: MonitorSettings) -> list[Finding]:
    """Most of today's Zoho API call budget is spent."""
    if snap.zoho_budget_limit <= 0:
        return []
    used = snap.zoho_budget_used / snap.zoho_budget_limit
    message = (
        f"{used:.0%} of today's Zoho API budget used ({snap.zoho_budget_used} of {snap.zoho_budget_limit})"
    )
    return _one("zoho_budget", used, limits.zoho_budget_used, message, used_calls=snap.zoho_budget_used)


def breakers_open(snap: OperationsSnapshot, limits: MonitorSettings) -> list[Finding]:
    """Circuit breakers are open on live workers: an entity's handler or its dependency keeps failing."""
    live_s = limits.heartbeat_missing_s.warning
    entities = sorted(
        {
            entity
            for worker in snap.workers
            if worker.state == "running" and snap.silence_s(worker) < live_s
            for entity, state in worker.breakers.items()
            if state in LIVE_BREAKER_STATES
        }
    )
    message = f"circuit breaker open for {', '.join(entities)}"
    findings = _one("breakers_open", len(entities), limits.breakers_open, message)
    return [_with(f, entities=", ".join(entities)) for f in findings]


def token_refresh(snap: OperationsSnapshot, limits: MonitorSettings) -> list[Finding]:
    """The Zoho access token could not be refreshed (revoked token, wrong secret, accounts outage)."""
    token = snap.token
    message = f"{token.consecutive_failures} Zoho token refreshes failed in a row: {token.last_error or ''}"
    findings = _one(
        "token_refresh", token.consecutive_failures, limits.token_refresh_failures, message.strip()
    )
    return [_with(f, last_error=token.last_error) for f in findings]


def stuck_work(snap: OperationsSnapshot, limits: MonitorSettings) -> list[Finding]:
    """Expired leases keep being found: workers die or hang mid-job again and again."""
    message = (
        f"stuck jobs found {snap.stuck_sweeps} times in the last {_duration(limits.stuck_window_s)} "
        f"({snap.stuck_jobs} jobs returned to the queue)"
    )
    return _one("stuck_work", snap.stuck_sweeps, limits.stuck_recoveries, message, jobs=snap.stuck_jobs)


RULES: tuple[Rule, ...] = (
    queue_backlog,
    oldest_pending,
    failure_rate,
    dead_letter_growth,
    sync_lag,
    worker_heartbeat,
    zoho_budget,
    breakers_open,
    token_refresh,
    stuck_work,
)
RULE_NAMES: tuple[str, ...] = tuple(rule.__name__ for rule in RULES)


def evaluate(snap: OperationsSnapshot, limits: MonitorSettings) -> list[Finding]:
    """Every rule's findings for the snapshot."""
    return [finding for rule in RULES for finding in rule(snap, limits)]


def _with(finding: Finding, **extra: str | None) -> Finding:
    return Finding(
        finding.rule, finding.severity, finding.message, finding.subject, {**finding.details, **extra}
    )


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
