"""Zoho conditions made for real against the emulator: its daily budget spent, the refresh token revoked;
the monitor raises the budget and token-refresh alerts, and /health/complete shows them."""

from __future__ import annotations

from dataclasses import replace

from tds.emulator.options import EmulatorOptions
from tests.integration.pull.conftest import SMALL, PullStack

DAILY = 12


async def test_exhausted_daily_budget_raises_a_critical_alert(make_stack) -> None:
    """Pulling until the emulator's daily limit (the configured budget) is spent: the rule is critical."""
    options = EmulatorOptions(sizes=SMALL, per_minute_limit=0, daily_limit=DAILY)
    stack: PullStack = await make_stack(options, daily_request_budget=DAILY)
    # One item a page (1 list + 1 detail call) and no reserve: the run spends the day's budget to the
    # last call, then pauses before a page it could not pay for.
    stack.pull.service.options = replace(stack.pull.service.options, per_page=1, budget_reserve=0)
    totals = await stack.pull.service.run("item", "full")
    assert totals.status == "paused"
    assert stack.emulator.limiter.daily_used == DAILY
    monitor = stack.container.monitor().monitor
    done = await monitor.run_once()
    assert done is not None
    [finding] = [f for f in done.findings if f.rule == "zoho_budget"]
    assert finding.severity == "critical"
    assert finding.message == f"100% of today's Zoho API budget used ({DAILY} of {DAILY})"


async def test_revoked_refresh_token_raises_the_token_alert_and_clears_on_success(make_stack) -> None:
    """A revoked refresh token makes refreshes fail (recorded by the client in PostgreSQL); the alert
    opens, and resolves once a refresh works again."""
    stack: PullStack = await make_stack()
    assert (await stack.pull.service.run("warehouse", "full")).status == "succeeded"
    stack.emulator.tokens.revoked = True
    stack.emulator.tokens.expire_all()
    assert (await stack.pull.service.run("warehouse", "full")).status == "failed"
    monitor = stack.container.monitor().monitor
    done = await monitor.run_once()
    assert done is not None
    [finding] = [f for f in done.findings if f.rule == "token_refresh"]
    assert finding.severity == "warning"
    assert "Zoho refused the token refresh" in str(finding.details["last_error"])
    stack.emulator.tokens.revoked = False
    assert (await stack.pull.service.run("warehouse", "full")).status == "succeeded"
    done = await monitor.run_once()
    assert done is not None
    assert [a.rule for a in done.resolved] == ["token_refresh"]
