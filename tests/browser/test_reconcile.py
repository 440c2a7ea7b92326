"""In a real browser, against the Zoho Books emulator: reconcile, read the differences, repair them."""

from __future__ import annotations

from pydantic import SecretStr

from tds.emulator.options import EmulatorOptions
from tests.browser.conftest import VIEWER_KEY, Dashboard
from tests.browser.test_sync_runs import dashboard_on
from tests.integration.pull.conftest import SMALL, PullStack


async def synced_items(make_stack) -> PullStack:
    stack = await make_stack(EmulatorOptions(sizes=SMALL, per_minute_limit=0))
    assert (await stack.pull.service.run("item", "full")).status == "succeeded"
    await stack.drain()
    return stack


async def start(dashboard: Dashboard, entity: str, repair: bool) -> int:
    page = dashboard.page
    await page.goto(dashboard.url("/reconcile"))
    await page.select_option("#start-reconcile select[name=entity]", entity)
    if repair:
        await page.check("#start-reconcile input[name=repair]")
    await page.click("#start-reconcile button[type=submit]")
    await page.wait_for_url(dashboard.url("/reconcile"))
    flash = await page.inner_text(".flash")
    what = "Started reconciliation and repair" if repair else "Started reconciliation"
    assert flash.startswith(f"{what} of {entity}: run "), flash
    run_id = int(flash.rsplit(" ", 1)[1].rstrip("."))
    status = f"[data-reconcile-status='{run_id}']"
    await page.wait_for_selector(f"{status}:has-text('succeeded')", timeout=30_000)
    return run_id


async def test_find_read_and_repair_the_differences(make_stack, browser) -> None:
    """A run finds what changed in Zoho behind the sync; its page names each record and field; the
    repair it queued, once the workers ran, leaves the next run clean."""
    stack = await synced_items(make_stack)
    items = sorted(stack.zoho_records("item"))
    stack.emulator.clock.advance(1)
    await stack.emulator.mutator.edit("item", items[0], {"rate": 999.5})
    (created,) = await stack.emulator.mutator.create("item")
    async with dashboard_on(stack, browser) as dashboard:
        run_id = await start(dashboard, "item", repair=True)
        page = dashboard.page
        assert await page.inner_text(f"[data-reconcile-drift='{run_id}']") == "1"
        await dashboard.screenshot("reconcile")
        await page.click(f"#reconcile-run-{run_id} a")
        await page.wait_for_url(dashboard.url(f"/reconcile/runs/{run_id}"))
        drift = await page.inner_text(f"[data-difference='{items[0]}']")
        assert "drift" in drift
        assert "rate, source_modified_at" in drift
        assert "zoho" in drift
        assert "upsert event" in drift  # the repair queued for it
        assert "missing" in await page.inner_text(f"[data-difference='{created.record_id}']")
        await dashboard.screenshot("reconcile-run")
        await page.click("#kinds a:has-text('missing')")
        await page.wait_for_url(dashboard.url(f"/reconcile/runs/{run_id}?kind=missing"))
        rows = await page.query_selector_all("#differences tbody tr")
        assert len(rows) == 1
        await stack.drain()
        clean = await start(dashboard, "item", repair=False)
        await page.goto(dashboard.url(f"/reconcile/runs/{clean}"))
        assert "the two sides agree" in await page.inner_text("#differences")


async def test_a_viewer_reads_reports_but_cannot_start_a_run(make_stack, browser) -> None:
    stack = await synced_items(make_stack)
    stack.container.settings.dashboard.read_only_api_keys = [SecretStr(VIEWER_KEY)]
    async with dashboard_on(stack, browser) as dashboard:
        run_id = await start(dashboard, "item", repair=False)
        page = dashboard.page
        await page.click("form.logout button")
        await dashboard.login(VIEWER_KEY)
        await page.goto(dashboard.url("/reconcile"))
        assert await page.query_selector("#start-reconcile") is None
        assert await page.query_selector(f"#reconcile-run-{run_id}") is not None
        request = page.context.request
        token = await page.get_attribute("form.logout input[name=csrf_token]", "value")
        refused = await request.post(
            dashboard.url("/reconcile/start"), form={"csrf_token": token, "entity": "item"}
        )
        assert refused.status == 403
        runs = await stack.rows("SELECT count(*) AS n FROM tds.tds_reconcile_runs")
        assert runs == [{"n": 1}]


async def test_bad_addresses_answer_with_an_error_page(make_stack, browser) -> None:
    stack = await synced_items(make_stack)
    async with dashboard_on(stack, browser) as dashboard:
        request = dashboard.page.context.request
        assert (await request.get(dashboard.url("/reconcile/runs/999"))).status == 404
        assert (await request.get(dashboard.url("/reconcile/runs/1?kind=odd"))).status == 400
        assert (await request.get(dashboard.url("/reconcile/runs/0"))).status == 400
        page = dashboard.page
        await page.goto(dashboard.url("/reconcile"))
        token = await page.get_attribute("#start-reconcile input[name=csrf_token]", "value")
        unknown = await request.post(
            dashboard.url("/reconcile/start"), form={"csrf_token": token, "entity": "spaceship"}
        )
        assert unknown.status == 404
        assert "unknown entity &#39;spaceship&#39;" in await unknown.text()
