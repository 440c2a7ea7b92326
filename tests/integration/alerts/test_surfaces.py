"""/metrics (access, cluster figures from PostgreSQL, counters that never double count), /health/complete,
and `tds alerts test` against real local channels."""

from __future__ import annotations

import asyncio
import json

import pytest
from prometheus_client.parser import text_string_to_metric_families
from typer.testing import CliRunner

from tds.cli import app
from tests.integration.alerts.conftest import OpsStack
from tests.notify_servers import http_receiver, smtp_server


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


async def scrape(ops: OpsStack) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = await ops.client.get("/metrics")
    assert response.status_code == 200, response.text
    return samples(response.text)


async def test_metrics_need_the_admin_key_or_the_bearer_token(make_ops) -> None:
    """Without credentials /metrics answers 401; the metrics bearer token or the admin key opens it."""
    ops: OpsStack = await make_ops(metrics={"bearer_token": "prom-token-2026"})
    assert (await ops.client.get("/metrics", headers={"X-API-Key": "wrong"})).status_code == 401
    bearer = {"X-API-Key": "", "Authorization": "Bearer prom-token-2026"}
    assert (await ops.client.get("/metrics", headers=bearer)).status_code == 200
    assert (await ops.client.get("/metrics")).status_code == 200
    public: OpsStack = await make_ops(metrics={"public": True})
    assert (await public.client.get("/metrics", headers={"X-API-Key": ""})).status_code == 200


async def test_metrics_report_the_cluster_from_the_database(make_ops) -> None:
    """Queue depth, oldest age, job and inbox counters (settled rows only, counted once), intake counts,
    latency, alerts, workers and breakers come out with the values the database holds."""
    ops: OpsStack = await make_ops(metrics={"counter_settle_s": 0})
    await ops.post_items(7)
    await ops.round()  # opens a warning backlog alert
    before = await scrape(ops)
    assert before[("tds_queue_jobs", (("status", "pending"),))] == 7
    assert before[("tds_queue_oldest_pending_age_seconds", ())] >= 0
    assert before[("tds_alerts_active", (("severity", "warning"),))] == 1
    assert before[("tds_webhook_requests_total", (("entity", "item"), ("outcome", "accepted")))] == 7
    assert ("tds_jobs_total", (("entity", "item"), ("outcome", "inserted"))) not in before

    await ops.pool.recover_expired()
    await ops.drain()
    await ops.pool._beat("running")
    after = await scrape(ops)
    again = await scrape(ops)
    key = ("tds_jobs_total", (("entity", "item"), ("outcome", "inserted")))
    assert after[key] == again[key] == 7
    assert after[("tds_inbox_events_total", (("entity", "item"), ("source", "webhook")))] == 7
    assert after[("tds_queue_jobs", (("status", "pending"),))] == 0
    assert after[("tds_processing_latency_seconds_gcount", ())] == 7
    assert after[("tds_workers", (("live", "true"), ("state", "running")))] == 1
    worker = ops.pool.worker_id
    assert after[("tds_worker_jobs_total", (("result", "processed"), ("worker", worker)))] == 7
    assert after[("tds_zoho_budget_remaining", ())] == ops.settings.zoho.daily_request_budget


async def test_breakers_reported_by_workers_show_in_metrics_and_health(make_ops) -> None:
    """A worker's open breaker reaches /metrics, the breakers rule and /health/complete."""
    ops: OpsStack = await make_ops()
    for _ in range(ops.settings.worker.breaker_failure_threshold):
        ops.pool.breakers["item"].record_failure()
    await ops.pool._beat("running")
    metrics = await scrape(ops)
    assert (
        metrics[("tds_breaker_open", (("entity", "item"), ("state", "open"), ("worker", ops.pool.worker_id)))]
        == 1
    )
    done = await ops.round()
    assert [(f.rule, f.details["entities"]) for f in done.findings] == [("breakers_open", "item")]
    health = (await ops.client.get("/health/complete")).json()
    assert health["parts"]["breakers"]["status"] == "warning"
    assert "item" in health["parts"]["breakers"]["detail"]


async def test_health_complete_reports_each_part(make_ops) -> None:
    """Each part has a status; no live worker is critical (503); a worker and a monitor round heal it."""
    ops: OpsStack = await make_ops()
    assert (await ops.client.get("/health/complete", headers={"X-API-Key": "x"})).status_code == 401
    response = await ops.client.get("/health/complete")
    assert response.status_code == 503
    parts = response.json()["parts"]
    assert set(parts) == {
        "database",
        "migrations",
        "workers",
        "scheduler",
        "monitor",
        "zoho_token",
        "breakers",
        "alerts",
    }
    assert parts["workers"]["status"] == "critical"
    assert parts["scheduler"]["status"] == "disabled"
    assert parts["monitor"]["status"] == "warning"
    assert parts["migrations"]["status"] == "ok"
    await ops.pool._beat("running")
    await ops.round()
    healthy = await ops.client.get("/health/complete")
    assert healthy.status_code == 200
    assert healthy.json()["status"] == "ok"
    assert {name: part["status"] for name, part in healthy.json()["parts"].items()} == {
        "database": "ok",
        "migrations": "ok",
        "workers": "ok",
        "scheduler": "disabled",
        "monitor": "ok",
        "zoho_token": "disabled",
        "breakers": "ok",
        "alerts": "ok",
    }


@pytest.mark.usefixtures("keep_logging")
async def test_alerts_test_command_reaches_every_channel_and_reports_failures() -> None:
    """`tds alerts test` sends to email, Slack and a webhook; a channel that keeps failing makes it exit 1."""
    servers = smtp_server(security="none"), http_receiver(), http_receiver(default=(500, b"down"))
    async with servers[0] as smtp, servers[1] as slack, servers[2] as broken:
        mail = {"host": "127.0.0.1", "port": smtp.port, "security": "none"}
        mail |= {"sender": "tds@example.com", "recipients": ["ops@example.com"]}
        channels = [
            {"name": "mail", "target": {"kind": "email", **mail}},
            {
                "name": "slack",
                "min_severity": "critical",
                "target": {"kind": "slack", "webhook_url": slack.url},
            },
            {"name": "broken", "target": {"kind": "webhook", "url": broken.url}},
        ]
        env = {"TDS_ALERTS__CHANNELS": json.dumps(channels), "TDS_LOG_LEVEL": "CRITICAL"}
        result = await asyncio.to_thread(CliRunner().invoke, app, ["alerts", "test"], env=env)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == ["mail: sent", "slack: sent", "broken: FAILED (see the log)"]
    assert "this channel works" in smtp.mailbox.messages[0].get_payload()[0].get_payload()
    assert slack.requests[0].json()["text"].startswith("[TEST] WARNING test")
    assert len(broken.requests) == 2  # one retry
