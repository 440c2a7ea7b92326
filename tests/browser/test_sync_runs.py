"""In a real browser, against the Zoho Books emulator: start a sync run, watch it, cancel another."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from pydantic import SecretStr

from tds.emulator.options import EmulatorOptions
from tests.browser.conftest import ADMIN_KEY, Dashboard, served
from tests.integration.pull.conftest import SMALL, PullStack


@contextlib.asynccontextmanager
async def dashboard_on(stack: PullStack, browser: Any) -> AsyncIterator[Dashboard]:
    """The pull stack's TDS Core, served with the dashboard, using the stack's own pull components."""
    stack.container.extras["pull"] = stack.pull
    stack.container.settings.api.admin_api_keys = [SecretStr(ADMIN_KEY)]
    async with served(stack.container, stack.pool, browser) as dashboard:
        await dashboard.login()
        yield dashboard


async def start(dashboard: Dashboard, entity: str, mode: str) -> int:
    page = dashboard.page
    await page.goto(dashboard.url("/sync"))
    await page.select_option("#start-sync select[name=entity]", entity)
    await page.select_option("#start-sync select[name=mode]", mode)
    await page.click("#start-sync button[type=submit]")
    await page.wait_for_url(dashboard.url("/sync"))
    flash = await page.inner_text(".flash")
    assert flash.startswith(f"Started {mode} sync of {entity}: run ")
    return int(flash.rsplit(" ", 1)[1].rstrip("."))


async def test_start_a_full_run_and_watch_it_finish(make_stack, browser) -> None:
    """The run's row counts up live and ends succeeded with every item of the emulator."""
    stack = await make_stack(EmulatorOptions(sizes=SMALL, per_minute_limit=0, latency_s=0.05))
    async with dashboard_on(stack, browser) as dashboard:
        run_id = await start(dashboard, "item", "full")
        status = f"[data-run-status='{run_id}']"
        await dashboard.page.wait_for_selector(f"{status}:has-text('succeeded')", timeout=30_000)
        records = await dashboard.page.inner_text(f"[data-run-records='{run_id}']")
        assert int(records) == SMALL.items
        queued = await stack.rows("SELECT count(*) AS n FROM tds.tds_sync_queue WHERE entity = 'item'")
        assert queued == [{"n": SMALL.items}]
        await dashboard.screenshot("sync-runs")
        await dashboard.page.goto(dashboard.url("/"))
        calls = sum(stack.emulator.gateway.calls.values())
        budget = await dashboard.page.inner_text("#budget")
        assert budget.startswith(f"{calls} of 5,000 calls"), budget  # every Zoho call counted
        assert "token refreshes" in await dashboard.page.inner_text("[data-part='Zoho token']")
        await dashboard.screenshot("overview-zoho")


async def test_cancel_a_running_run(make_stack, browser) -> None:
    """Cancel asks the run to stop after its page; the row turns cancelled before all items are read."""
    stack = await make_stack(EmulatorOptions(sizes=SMALL, per_minute_limit=0, latency_s=0.4))
    async with dashboard_on(stack, browser) as dashboard:
        run_id = await start(dashboard, "item", "full")
        page = dashboard.page
        await page.click(f"#run-{run_id} button:has-text('Cancel')")
        await page.wait_for_url(dashboard.url("/sync"))
        assert f"Run {run_id} will stop" in await page.inner_text(".flash")
        await page.wait_for_selector(f"[data-run-status='{run_id}']:has-text('cancelled')", timeout=30_000)
        run = await stack.rows("SELECT status, records FROM tds.tds_sync_runs WHERE id = :id", id=run_id)
        assert run[0]["status"] == "cancelled"
        assert run[0]["records"] < SMALL.items
        await dashboard.screenshot("sync-runs-cancelled")
