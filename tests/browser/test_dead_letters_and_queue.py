"""In a real browser: a dead letter replayed after a fix and seen to succeed; discard; bulk replay."""

from __future__ import annotations

import httpx

from tests.browser.conftest import TOKEN, Dashboard, worker_running
from tests.e2e.test_failure_and_replay import break_products, fix_products
from tests.queue_factories import scalar

ITEM = {
    "item_id": "4815162342",
    "name": "BROKEN",
    "sku": "SKU-1",
    "rate": 12.5,
    "status": "active",
    "last_modified_time": "2026-11-30T10:00:00+0300",
}


async def post_item(dashboard: Dashboard, item: dict[str, object]) -> None:
    async with httpx.AsyncClient(base_url=dashboard.base_url) as client:
        answer = await client.post("/webhooks/zoho/item", json={"item": item}, params={"token": TOKEN})
        assert answer.status_code == 202, answer.text


async def dead_letter_for(dashboard: Dashboard, item: dict[str, object]) -> int:
    """Delivers an item the ERP refuses and runs the worker until it is dead-lettered."""
    await post_item(dashboard, item)
    await dashboard.drain()
    letter = await scalar(
        dashboard.container.sessions,
        "SELECT id FROM tds.tds_dead_letter_queue WHERE entity_key = :key",
        key=f"item:{item['item_id']}",
    )
    assert letter is not None
    return int(letter)


async def test_replay_a_dead_letter_and_watch_it_succeed(dashboard: Dashboard) -> None:
    """The group shows the ERP's error; Replay leads to the record, whose new job turns succeeded."""
    await break_products(dashboard, failures=1000)
    letter = await dead_letter_for(dashboard, ITEM)
    await dashboard.login()
    page = dashboard.page
    await page.goto(dashboard.url("/dead-letters"))
    group = page.locator("#groups tbody tr").first
    assert "erp refused product" in await group.inner_text()
    assert (await group.locator("td.num").inner_text()).strip() == "1"
    await dashboard.screenshot("dead-letters")
    await group.locator("td.error a").click()
    await page.wait_for_selector(f"#dead-letter-{letter}")
    await dashboard.screenshot("dead-letter-group")
    await fix_products(dashboard)
    async with worker_running(dashboard.pool):
        await page.click(f"#dead-letter-{letter} button:has-text('Replay')")
        await page.wait_for_url("**/dashboard/records?**")
        assert "replayed" in await page.inner_text(".flash")
        await page.wait_for_selector("#record-jobs [data-job]:has-text('succeeded')", timeout=20_000)
    erp = await scalar(
        dashboard.container.sessions, "SELECT name FROM erp.products WHERE zoho_id = :id", id=ITEM["item_id"]
    )
    assert erp == "BROKEN"
    assert "BROKEN" in await page.inner_text(".erp-row")
    await dashboard.screenshot("records")
    first_job = await page.locator("#record-jobs tbody tr a").last.inner_text()
    await page.goto(dashboard.url(f"/queue/jobs/{first_job}"))
    assert "erp refused product" in await page.inner_text("main")
    assert "Traceback" in (await page.text_content("details") or "")
    await dashboard.screenshot("job")


async def test_discard_a_dead_letter_with_a_reason(dashboard: Dashboard) -> None:
    """Discard needs a reason; the entry leaves the open groups and is listed as discarded with it."""
    await break_products(dashboard, failures=1000)
    letter = await dead_letter_for(dashboard, ITEM)
    await dashboard.login()
    page = dashboard.page
    await page.goto(dashboard.url("/dead-letters"))
    await page.locator("#groups td.error a").first.click()
    await page.fill(f"#dead-letter-{letter} input[name=reason]", "test product, deleted in Zoho")
    await page.click(f"#dead-letter-{letter} button:has-text('Discard')")
    await page.wait_for_url(dashboard.url("/dead-letters"))
    assert "No open dead letters" in await page.inner_text("#groups")
    assert "test product, deleted in Zoho" in await page.inner_text("#closed")
    reason = await scalar(
        dashboard.container.sessions,
        "SELECT discard_reason FROM tds.tds_dead_letter_queue WHERE id = :id",
        id=letter,
    )
    assert reason == "test product, deleted in Zoho"
    assert (
        await scalar(
            dashboard.container.sessions, "SELECT count(*) FROM tds.tds_sync_queue WHERE status = 'pending'"
        )
        == 0
    )


async def test_queue_filter_and_bulk_replay_after_confirmation(dashboard: Dashboard) -> None:
    """Filtering by status lists only those jobs; the bulk replay shows its count and runs on confirm."""
    await break_products(dashboard, failures=1000)
    for n in range(3):
        await dead_letter_for(dashboard, {**ITEM, "item_id": f"90{n}"})
    await post_item(dashboard, {**ITEM, "item_id": "777", "name": "fine"})
    await dashboard.drain()
    await fix_products(dashboard)
    await dashboard.login()
    page = dashboard.page
    await page.goto(dashboard.url("/queue"))
    await page.select_option("select[name=status]", "dead")
    await page.click("form.filters button[type=submit]")
    await page.wait_for_url("**status=dead**")
    statuses = await page.locator("#jobs .badge").all_inner_texts()
    assert statuses == ["dead", "dead", "dead"]
    assert "3 jobs match" in await page.inner_text("#match-count")
    await dashboard.screenshot("queue")
    await page.click("button:has-text('Replay this set')")
    assert (await page.inner_text("#replay-count")).startswith("3")
    await dashboard.screenshot("queue-replay-confirm")
    await page.click("button:has-text('Replay 3 events')")
    await page.wait_for_url("**/dashboard/queue?**")
    assert "3 events matched, 3 queued again" in await page.inner_text(".flash")
    assert await dashboard.drain() == 3
    names = await scalar(dashboard.container.sessions, "SELECT count(*) FROM erp.products")
    assert names == 4
    await dashboard.screenshot("queue-phone", phone=True)
