"""Conditions created for real (stopped workers, a failing ERP write): alerts open, notify once, repeat,
escalate, and resolve when the condition clears; the dead-letter retry policy; one monitor at a time."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from datetime import timedelta

from tds.alerts.monitor import MONITOR_LOCK_KEY
from tds.alerts.repository import MetricSampleRepository
from tds.db.locks import AdvisoryLock
from tests.e2e.test_failure_and_replay import break_products, fix_products
from tests.integration.alerts.conftest import OpsStack


async def drain_until_dead(ops: OpsStack, letters: int) -> None:
    """Runs the workers until `letters` dead letters are open (retries are due at once)."""
    for _ in range(50):
        await ops.drain()
        rows = await ops.rows("SELECT count(*) AS n FROM tds.tds_dead_letter_queue WHERE resolved_at IS NULL")
        if rows[0]["n"] >= letters:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"fewer than {letters} dead letters")


async def test_backlog_opens_once_escalates_and_resolves_when_workers_drain(make_ops) -> None:
    """Workers stopped + 12 webhooks: one critical alert and one message; unacknowledged it escalates
    to the escalation channel; once the workers drain the queue it resolves and says so."""
    ops: OpsStack = await make_ops(alerts={"escalate_after_s": 1.0, "repeat_interval_s": 3600})
    await ops.post_items(12)
    first = await ops.round()
    [alert] = await ops.alerts("queue_backlog")
    assert (alert["status"], alert["severity"], alert["message"]) == ("open", "critical", "12 jobs pending")
    assert [a.rule for a in first.opened] == ["queue_backlog"]
    [message] = ops.oncall.requests
    body = message.json()
    assert (body["kind"], body["rule"], body["severity"], body["alert_id"]) == (
        "firing",
        "queue_backlog",
        "critical",
        alert["id"],
    )
    signature = "sha256=" + hmac.new(b"hook-secret", message.body, hashlib.sha256).hexdigest()
    assert message.headers["x-tds-signature"] == signature
    assert ops.escalation.requests == []

    await ops.post_items(3, start=100)
    await ops.round()  # the condition persists: the same alert is refreshed, nothing is re-sent
    [again] = await ops.alerts("queue_backlog")
    assert (again["id"], again["message"], again["notifications"]) == (alert["id"], "15 jobs pending", 1)
    assert len(ops.oncall.requests) == 1

    await asyncio.sleep(1.1)
    await ops.round()
    assert [r.json()["kind"] for r in ops.escalation.requests] == ["escalation"]
    assert [r.json()["kind"] for r in ops.oncall.requests] == ["firing", "escalation"]
    [escalated] = await ops.alerts("queue_backlog")
    assert escalated["escalated_at"] is not None

    assert await ops.drain() == 15
    done = await ops.round()
    assert [a.rule for a in done.resolved] == ["queue_backlog"]
    [resolved] = await ops.alerts("queue_backlog")
    assert (resolved["status"], resolved["resolved_by"]) == ("resolved", "monitor")
    assert ops.oncall.requests[-1].json()["kind"] == "resolved"
    assert ops.escalation.requests[-1].json()["kind"] == "resolved"  # it was escalated: it hears the end


async def test_acknowledged_alert_neither_repeats_nor_escalates(make_ops) -> None:
    """After ack the alert stays quiet through repeat and escalation times; a warning that grows
    critical is a new message."""
    ops: OpsStack = await make_ops(alerts={"escalate_after_s": 0.5, "repeat_interval_s": 0.5})
    await ops.post_items(6)
    await ops.round()
    [alert] = await ops.alerts("queue_backlog")
    assert alert["severity"] == "warning"
    acked = await ops.client.post(f"/admin/alerts/{alert['id']}/ack", json={"by": "ana"})
    assert acked.status_code == 200
    await asyncio.sleep(0.6)
    await ops.round()
    assert len(ops.oncall.requests) == 1
    assert ops.escalation.requests == []
    await ops.post_items(6, start=50)
    await ops.round()
    kinds = [(r.json()["kind"], r.json()["severity"]) for r in ops.oncall.requests]
    assert kinds == [("firing", "warning"), ("firing", "critical")]


async def test_repeat_after_the_interval_while_unacknowledged(make_ops) -> None:
    """An open alert is re-sent once the repeat interval has passed, not before."""
    ops: OpsStack = await make_ops(alerts={"escalate_after_s": 3600, "repeat_interval_s": 0.5})
    await ops.post_items(6)
    await ops.round()
    await ops.round()
    assert len(ops.oncall.requests) == 1
    await asyncio.sleep(0.6)
    await ops.round()
    assert [r.json()["kind"] for r in ops.oncall.requests] == ["firing", "repeat"]


async def test_failing_handler_raises_failure_rate_and_dead_letter_alerts(make_ops) -> None:
    """An ERP that refuses writes: attempts fail, jobs reach the DLQ, both rules fire; after a fix and
    replay the failure rate falls under its threshold and that alert resolves."""
    ops: OpsStack = await make_ops(monitor={"failure_window_s": 3600, "dead_letter_window_s": 3600})
    await break_products(ops, failures=1000)
    await ops.post_items(3, name="BROKEN")
    await drain_until_dead(ops, 3)
    done = await ops.round()
    rules = {f.rule: f.severity for f in done.findings}
    assert rules == {"failure_rate": "critical", "dead_letter_growth": "critical"}
    assert "100.0% of attempts failed" in (await ops.alerts("failure_rate"))[0]["message"]
    await fix_products(ops)
    replay = await ops.client.post("/admin/queue/replay", json={"entity": "item", "status": "failed"})
    assert replay.json()["enqueued"] == 3
    await ops.post_items(130, start=200)  # 6 failed attempts of 139: under 5 %
    await ops.drain()
    done = await ops.round()
    assert "failure_rate" not in {f.rule for f in done.findings}
    assert [a.rule for a in done.resolved] == ["failure_rate", "dead_letter_growth"]


async def test_dead_letter_retry_policy_retries_transient_classes_only_up_to_the_limit(make_ops) -> None:
    """Dead letters of a transient class are replayed (at most twice); other classes never are."""
    ops: OpsStack = await make_ops(
        healer={
            "dlq_retry_enabled": True,
            "dlq_retry_after_s": 0,
            "dlq_max_retries": 2,
            "transient_errors": [],
        },
    )
    await break_products(ops, failures=1000)
    await ops.post_items(1, name="BROKEN")
    await drain_until_dead(ops, 1)
    [letter] = await ops.rows("SELECT error FROM tds.tds_dead_letter_queue")
    error_class = letter["error"].split(":", 1)[0]
    assert (await ops.round()).dead_letters_retried == 0  # its class is not listed as transient

    ops.monitor.settings.healer.transient_errors.append(error_class)
    for _ in range(3):
        await ops.round()
        await drain_until_dead(ops, 1)
    retried = await ops.rows("SELECT count(*) AS n FROM tds.tds_healer_actions WHERE action = 'dlq_retried'")
    assert retried[0]["n"] == 2
    open_letters = await ops.rows(
        "SELECT count(*) AS n FROM tds.tds_dead_letter_queue WHERE resolved_at IS NULL"
    )
    assert open_letters[0]["n"] == 1  # the third failure stays: the policy never loops
    report = (await ops.client.get("/admin/healer")).json()
    assert report["dead_letters"] == {"permanent": 0, "transient_waiting": 0, "exhausted": 1}
    assert {a["action"]: a["times"] for a in report["actions"]}["dlq_retried"] == 2


async def test_only_one_monitor_runs_a_round(make_ops) -> None:
    """While another connection holds the monitor lock, run_once does nothing and says so."""
    ops: OpsStack = await make_ops()
    async with ops.container.engine.connect() as other, AdvisoryLock(other, MONITOR_LOCK_KEY) as held:
        assert held
        assert await ops.monitor.run_once() is None
    assert await ops.monitor.run_once() is not None


async def test_metrics_snapshots_are_written_and_old_ones_pruned(make_ops) -> None:
    """Each round writes one snapshot row per metric; rows past the retention are deleted."""
    ops: OpsStack = await make_ops(metrics={"retention_days": 1})
    await ops.post_items(2)
    await ops.execute(
        "INSERT INTO tds.tds_metrics (name, value, sampled_at) "
        "VALUES ('queue_pending', 1, now() - interval '2 days')"
    )
    done = await ops.round()
    assert done.samples_pruned == 1
    rows = await ops.rows("SELECT name, value FROM tds.tds_metrics ORDER BY name")
    values = {r["name"]: r["value"] for r in rows}
    assert values["queue_pending"] == 2
    assert "dead_letters_open" in values
    async with ops.container.sessions() as session:
        since = done.snapshot.taken_at - timedelta(minutes=1)
        series = await MetricSampleRepository(session).series("queue_pending", since)
    assert [(value, labels) for _, value, labels in series] == [(2.0, {})]


async def test_the_retry_policy_follows_the_classifiers_verdict(make_ops) -> None:
    """With no error class listed as transient, the dead letter the worker's classifier found transient
    is replayed and the permanent one is not (their error classes are the same)."""
    ops: OpsStack = await make_ops(
        healer={
            "dlq_retry_enabled": True,
            "dlq_retry_after_s": 0,
            "dlq_max_retries": 2,
            "transient_errors": [],
        },
    )
    await ops.post_items(2)
    assert await ops.drain() == 2
    await ops.execute(
        "INSERT INTO tds.tds_dead_letter_queue (inbox_event_id, queue_job_id, entity, entity_key, attempts, "
        "error, verdict) SELECT q.inbox_event_id, q.id, q.entity, q.entity_key, 1, 'Surprise: it failed', "
        "CASE WHEN i.entity_id = '460000000000' THEN 'transient' ELSE 'permanent' END "
        "FROM tds.tds_sync_queue AS q JOIN tds.tds_inbox_events AS i ON i.id = q.inbox_event_id"
    )
    assert (await ops.round()).dead_letters_retried == 1
    retried = await ops.rows(
        "SELECT i.entity_id FROM tds.tds_healer_actions AS h JOIN tds.tds_inbox_events AS i "
        "ON i.id = h.inbox_event_id WHERE h.action = 'dlq_retried'"
    )
    assert retried == [{"entity_id": "460000000000"}]
