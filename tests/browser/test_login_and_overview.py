"""In a real browser: logging in, and an overview whose numbers are the database's."""

from __future__ import annotations

from sqlalchemy import text

from tests.browser.conftest import Dashboard
from tests.queue_factories import enqueue, execute


async def seed_queue(dashboard: Dashboard) -> None:
    """Jobs in several states, a metric series and one open alert."""
    sessions = dashboard.container.sessions
    await enqueue(sessions, [("item", str(n)) for n in range(7)] + [("contact", "c1"), ("invoice", "i1")])
    await execute(
        sessions,
        "UPDATE tds.tds_sync_queue SET status = 'succeeded' WHERE entity_key LIKE 'item:%' AND id % 2 = 0",
    )
    await execute(sessions, "UPDATE tds.tds_sync_queue SET status = 'dead' WHERE entity_key = 'contact:c1'")
    await execute(  # finished two days ago: no longer in the overview's 24 h of succeeded jobs
        sessions,
        "UPDATE tds.tds_sync_queue SET status = 'succeeded', updated_at = now() - interval '2 days' "
        "WHERE entity_key = 'invoice:i1'",
    )
    await execute(
        sessions,
        "INSERT INTO tds.tds_metrics (name, value, labels, sampled_at) "
        "SELECT 'queue_depth', g, '{}'::jsonb, now() - make_interval(mins => 60 - g) "
        "FROM generate_series(1, 59) g",
    )
    await execute(  # the succeeded jobs' events took 40, 80 and 120 ms from receipt to the ERP
        sessions,
        "WITH s AS (SELECT inbox_event_id, row_number() OVER (ORDER BY id) AS n FROM tds.tds_sync_queue "
        "WHERE status = 'succeeded' AND updated_at > now() - interval '1 day') "
        "UPDATE tds.tds_inbox_events AS i SET status = 'processed', "
        "processed_at = i.received_at + make_interval(secs => 0.04 * s.n) "
        "FROM s WHERE i.id = s.inbox_event_id",
    )
    await execute(
        sessions,
        "INSERT INTO tds.tds_worker_heartbeats (worker_id, hostname, pid, processed, failed) "
        "VALUES ('host-1:4242:ab12', 'host-1', 4242, 3, 1)",
    )
    await execute(
        sessions,
        "INSERT INTO tds.tds_alerts (rule, severity, message) "
        "VALUES ('queue_backlog', 'warning', 'queue is growing')",
    )


async def counts_in_database(dashboard: Dashboard) -> dict[str, int]:
    """Jobs per status; succeeded and skipped only if they finished in the last 24 hours."""
    sql = (
        "SELECT status, count(*) FROM tds.tds_sync_queue WHERE status NOT IN ('succeeded', 'skipped') "
        "OR updated_at >= now() - interval '24 hours' GROUP BY status"
    )
    async with dashboard.container.engine.connect() as conn:
        return {status: int(n) for status, n in await conn.execute(text(sql))}


async def test_pages_need_a_login_and_a_wrong_key_is_refused(dashboard: Dashboard) -> None:
    """Any page sends the browser to the login form; a wrong key stays there with a message."""
    page = dashboard.page
    await page.goto(dashboard.url("/queue?status=dead&entity=item"))
    assert page.url.startswith(dashboard.url("/login"))
    await dashboard.screenshot("login")
    await page.fill("input[name=api_key]", "not-the-key")
    await page.click("button[type=submit]")
    assert "not an API key of this installation" in await page.inner_text("main")
    assert await page.locator("#jobs").count() == 0
    await page.fill("input[name=api_key]", "dashboard-admin-key-2026")
    await page.click("button[type=submit]")
    await page.wait_for_selector("#jobs")
    assert page.url == dashboard.url("/queue?status=dead&entity=item")  # back where it was going


async def test_overview_numbers_match_the_database(dashboard: Dashboard) -> None:
    """Queue counts per status (finished ones over 24 h), dead letters and alerts equal the tables."""
    await seed_queue(dashboard)
    await dashboard.login()
    page = dashboard.page
    expected = await counts_in_database(dashboard)
    for status in ("pending", "processing", "succeeded", "skipped", "dead", "cancelled"):
        shown = await page.inner_text(f"#queue-counts td[data-status={status}]")
        assert int(shown.replace(",", "")) == expected.get(status, 0), status
    assert expected == {"pending": 4, "succeeded": 3, "dead": 1}
    assert await page.inner_text("#alerts-open") == "1"
    latency = await page.inner_text("#latency")
    assert "p50\t80 ms" in latency  # percentile_cont over 40, 80 and 120 ms
    assert "p95\t116 ms" in latency
    assert "1 alive" in await page.inner_text("[data-part=Workers]")
    assert "queue_depth" in await page.inner_text(".charts")
    assert await page.locator(".charts polyline").count() == 1
    await dashboard.screenshot("overview")
    await dashboard.screenshot("overview-phone", phone=True)


async def test_overview_refreshes_without_a_reload(dashboard: Dashboard) -> None:
    """New jobs show up in the counts by themselves (the live fragment), the page is not reloaded."""
    await dashboard.login()
    page = dashboard.page
    await page.evaluate("window.marker = 'same page'")
    assert await page.inner_text("#queue-counts td[data-status=pending]") == "0"
    await enqueue(dashboard.container.sessions, [("item", "late-1"), ("item", "late-2")])
    await page.wait_for_function(
        "document.querySelector('#queue-counts td[data-status=pending]').innerText === '2'", timeout=15_000
    )
    assert await page.evaluate("window.marker") == "same page"


async def test_empty_database_shows_an_empty_chart(dashboard: Dashboard) -> None:
    """With no metric samples the overview shows an empty chart and no error."""
    await dashboard.login()
    for window in ("1h", "24h", "7d"):
        response = await dashboard.page.goto(dashboard.url(f"/?window={window}"))
        assert response.status == 200
        assert "No metric samples in this window" in await dashboard.page.inner_text(".charts")
