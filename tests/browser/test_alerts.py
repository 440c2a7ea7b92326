"""In a real browser: acknowledging and resolving alerts, through the alert service."""

from __future__ import annotations

from tests.browser.conftest import Dashboard
from tests.integration.alerts.factories import make_alert
from tests.queue_factories import execute, scalar


async def test_acknowledge_then_resolve_an_alert(dashboard: Dashboard) -> None:
    """Acknowledge records who did it; resolve takes the alert off the active list."""
    sessions = dashboard.container.sessions
    backlog = await make_alert(sessions, message="1,200 jobs pending for 10 min")
    await make_alert(sessions, rule="dead_letters", severity="critical", message="25 dead letters in 5 min")
    await dashboard.login(name="Noor")
    page = dashboard.page
    await page.goto(dashboard.url("/alerts"))
    assert await page.locator("#alerts tbody tr").count() == 2
    await dashboard.screenshot("alerts")
    await page.click(f"#alert-{backlog} button:has-text('Acknowledge')")
    await page.wait_for_selector(f"[data-alert-status='{backlog}']:has-text('acknowledged')")
    assert "acknowledged" in await page.inner_text(".flash")
    row = await scalar(
        sessions, "SELECT status || '|' || acknowledged_by FROM tds.tds_alerts WHERE id = :id", id=backlog
    )
    assert row == "acknowledged|Noor (dashboard)"
    assert await page.locator(f"#alert-{backlog} button:has-text('Acknowledge')").count() == 0
    await page.click(f"#alert-{backlog} button:has-text('Resolve')")
    await page.wait_for_selector(f"#alert-{backlog}", state="detached")
    assert (
        await scalar(sessions, "SELECT status FROM tds.tds_alerts WHERE id = :id", id=backlog) == "resolved"
    )
    await page.goto(dashboard.url("/alerts?show=resolved"))
    assert "Noor (dashboard)" in await page.inner_text(f"#alert-{backlog}")


async def test_the_alerts_page_counts_notices_not_delivered(dashboard: Dashboard) -> None:
    """Pending and given-up deliveries (tds.tds_alert_deliveries) show beside the alert counts."""
    sessions = dashboard.container.sessions
    alert = await make_alert(sessions)
    notice = '{"kind": "firing", "rule": "queue_backlog", "severity": "warning", "message": "m"}'
    for status in ("pending", "given_up", "given_up", "sent"):
        await execute(
            sessions,
            "INSERT INTO tds.tds_alert_deliveries (alert_id, channel, kind, notice, status)"
            " VALUES (:alert, 'oncall', 'firing', CAST(:notice AS jsonb), :status)",
            alert=alert,
            notice=notice,
            status=status,
        )
    await dashboard.login()
    await dashboard.page.goto(dashboard.url("/alerts"))
    assert await dashboard.page.inner_text("#deliveries-pending") == "1"
    assert await dashboard.page.inner_text("#deliveries-given-up") == "2"
