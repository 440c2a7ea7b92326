"""Every alert rule below, at and above its warning and critical thresholds, and its edge cases."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from tds.alerts import rules
from tds.alerts.snapshot import EntitySync, OperationsSnapshot, TokenHealth, WorkerSeen
from tds.config_operations import MonitorSettings

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
LIMITS = MonitorSettings()
BASE = OperationsSnapshot(taken_at=NOW)


def ago(seconds: float) -> datetime:
    return NOW - timedelta(seconds=seconds)


def severities(rule: rules.Rule, snap: OperationsSnapshot, limits: MonitorSettings = LIMITS) -> list[str]:
    return [finding.severity for finding in rule(snap, limits)]


# (value below warning, at warning, between, at critical, above critical) -> expected verdicts
LADDER = [[], ["warning"], ["warning"], ["critical"], ["critical"]]


def ladder(warning: float, critical: float) -> list[float]:
    return [
        warning - 1e-6 if warning < 1 else warning - 1,
        warning,
        (warning + critical) / 2,
        critical,
        critical * 2,
    ]


@pytest.mark.parametrize(("pending", "expected"), list(zip([499, 500, 750, 1000, 5000], LADDER, strict=True)))
def test_queue_backlog(pending: int, expected: list[str]) -> None:
    """Backlog warns at 500 pending jobs and is critical at 1,000."""
    snap = replace(BASE, queue_by_status={"pending": pending, "processing": 99_999})
    assert severities(rules.queue_backlog, snap) == expected


@pytest.mark.parametrize(("age", "expected"), list(zip(ladder(600, 1800), LADDER, strict=True)))
def test_oldest_pending(age: float, expected: list[str]) -> None:
    """The oldest ready job warns at 10 min of waiting and is critical at 30 min."""
    assert severities(rules.oldest_pending, replace(BASE, oldest_pending_age_s=age)) == expected


def test_oldest_pending_with_nothing_waiting() -> None:
    """No ready job: nothing to judge."""
    assert severities(rules.oldest_pending, BASE) == []


@pytest.mark.parametrize(("failed", "expected"), list(zip([4, 5, 7, 10, 100], LADDER, strict=True)))
def test_failure_rate(failed: int, expected: list[str]) -> None:
    """Failures warn at 5 % of attempts and are critical at 10 %."""
    snap = replace(BASE, attempts_finished=100, attempts_failed=failed)
    assert severities(rules.failure_rate, snap) == expected


def test_failure_rate_needs_enough_attempts() -> None:
    """Below the minimum number of attempts no rate is judged, even 100 %."""
    snap = replace(BASE, attempts_finished=19, attempts_failed=19)
    assert severities(rules.failure_rate, snap) == []
    assert severities(rules.failure_rate, replace(snap, attempts_finished=20)) == ["critical"]


@pytest.mark.parametrize(("new", "expected"), list(zip([49, 50, 75, 100, 1000], LADDER, strict=True)))
def test_dead_letter_growth(new: int, expected: list[str]) -> None:
    """New dead letters warn at 50 in the window and are critical at 100."""
    assert severities(rules.dead_letter_growth, replace(BASE, dead_letters_new=new)) == expected


@pytest.mark.parametrize(("overdue", "expected"), list(zip(ladder(900, 3600), LADDER, strict=True)))
def test_sync_lag_beyond_the_expected_interval(overdue: float, expected: list[str]) -> None:
    """Lag counts from the expected interval: warns 15 min past it, critical 1 h past it, per entity."""
    interval = 900.0
    syncs = (
        EntitySync("item", ago(interval + overdue), interval),
        EntitySync("contact", ago(10), interval),
    )
    findings = rules.sync_lag(replace(BASE, entity_sync=syncs), LIMITS)
    assert [f.severity for f in findings] == expected
    assert all(f.subject == "item" for f in findings)


def test_sync_lag_ignores_an_entity_never_synced() -> None:
    """An entity with no success yet has nothing overdue."""
    assert rules.sync_lag(replace(BASE, entity_sync=(EntitySync("item", None, 0),)), LIMITS) == []


@pytest.mark.parametrize(("silence", "expected"), list(zip(ladder(300, 900), LADDER, strict=True)))
def test_worker_heartbeat(silence: float, expected: list[str]) -> None:
    """A running worker silent for 5 min warns, for 15 min is critical; the subject is the worker."""
    workers = (
        WorkerSeen("w1", "host-a", "running", ago(silence)),
        WorkerSeen("w2", "host-b", "running", NOW),
    )
    findings = rules.worker_heartbeat(replace(BASE, workers=workers), LIMITS)
    assert [f.severity for f in findings] == expected
    assert all(f.subject == "w1" for f in findings)


def test_worker_heartbeat_ignores_stopped_and_retired_workers() -> None:
    """A worker that stopped cleanly, or was silent past the forget horizon, raises nothing."""
    workers = (
        WorkerSeen("stopped", "h", "stopped", ago(3600)),
        WorkerSeen("retired", "h", "running", ago(LIMITS.heartbeat_forget_s)),
    )
    assert rules.worker_heartbeat(replace(BASE, workers=workers), LIMITS) == []


@pytest.mark.parametrize(("used", "expected"), list(zip([799, 800, 900, 950, 1000], LADDER, strict=True)))
def test_zoho_budget(used: int, expected: list[str]) -> None:
    """Budget use warns at 80 % and is critical at 95 %."""
    snap = replace(BASE, zoho_budget_used=used, zoho_budget_limit=1000)
    assert severities(rules.zoho_budget, snap) == expected


def test_zoho_budget_without_a_budget() -> None:
    assert severities(rules.zoho_budget, replace(BASE, zoho_budget_used=5)) == []


@pytest.mark.parametrize(("count", "expected"), list(zip([0, 1, 2, 3, 6], LADDER, strict=True)))
def test_breakers_open(count: int, expected: list[str]) -> None:
    """One entity's breaker open (or half-open) warns; three are critical; closed ones never count."""
    breakers = {f"e{i}": ("open" if i % 2 else "half_open") for i in range(count)} | {"ok": "closed"}
    workers = (WorkerSeen("w1", "h", "running", NOW, breakers),)
    findings = rules.breakers_open(replace(BASE, workers=workers), LIMITS)
    assert [f.severity for f in findings] == expected
    if count:
        assert findings[0].details["entities"] == ", ".join(sorted(breakers.keys() - {"ok"}))


def test_breakers_on_dead_workers_do_not_count() -> None:
    """A silent worker's last reported breakers are not current."""
    workers = (WorkerSeen("w1", "h", "running", ago(600), {"item": "open"}),)
    assert rules.breakers_open(replace(BASE, workers=workers), LIMITS) == []


@pytest.mark.parametrize(("failures", "expected"), list(zip([0, 1, 2, 3, 7], LADDER, strict=True)))
def test_token_refresh(failures: int, expected: list[str]) -> None:
    """One failed refresh warns; three in a row are critical; the error travels in the details."""
    token = TokenHealth(consecutive_failures=failures, last_error="invalid_code")
    findings = rules.token_refresh(replace(BASE, token=token), LIMITS)
    assert [f.severity for f in findings] == expected
    assert all(f.details["last_error"] == "invalid_code" for f in findings)


@pytest.mark.parametrize(("sweeps", "expected"), list(zip([1, 2, 3, 5, 9], LADDER, strict=True)))
def test_stuck_work_on_recurrence(sweeps: int, expected: list[str]) -> None:
    """A single stuck-lease recovery is healed quietly; two in the window warn; five are critical."""
    assert severities(rules.stuck_work, replace(BASE, stuck_sweeps=sweeps, stuck_jobs=sweeps * 3)) == expected


def test_thresholds_come_from_settings() -> None:
    """Changing a threshold in Settings changes the verdict."""
    limits = MonitorSettings(queue_backlog={"warning": 10, "critical": 20})
    assert severities(rules.queue_backlog, replace(BASE, queue_by_status={"pending": 15}), limits) == [
        "warning"
    ]


def test_a_threshold_below_its_warning_is_refused() -> None:
    with pytest.raises(ValueError, match="critical must be at or above warning"):
        MonitorSettings(queue_backlog={"warning": 10, "critical": 5})


def test_evaluate_runs_every_rule_and_a_healthy_snapshot_raises_nothing() -> None:
    """A quiet installation raises nothing; a bad one raises one finding per rule and subject."""
    assert rules.evaluate(BASE, LIMITS) == []
    bad = replace(
        BASE,
        queue_by_status={"pending": 2000},
        oldest_pending_age_s=4000,
        attempts_finished=100,
        attempts_failed=50,
        dead_letters_new=500,
        entity_sync=(EntitySync("item", ago(99_999)),),
        workers=(
            WorkerSeen("w1", "h", "running", ago(1000)),
            WorkerSeen("w2", "h", "running", NOW, {"x": "open"}),
        ),
        zoho_budget_used=999,
        zoho_budget_limit=1000,
        token=TokenHealth(consecutive_failures=5),
        stuck_sweeps=9,
    )
    assert sorted({f.rule for f in rules.evaluate(bad, LIMITS)}) == sorted(rules.RULE_NAMES)
