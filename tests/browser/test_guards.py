"""In a real browser: no session, no page or action; a session without the form's CSRF token, no action."""

from __future__ import annotations

from tests.browser.conftest import VIEWER_KEY, Dashboard
from tests.integration.queue.test_admin_api import make_dead_letter
from tests.queue_factories import scalar

OPEN_SQL = "SELECT count(*) FROM tds.tds_dead_letter_queue WHERE resolved_at IS NULL"
PAGES = (
    "/",
    "/queue",
    "/queue/jobs/1",
    "/dead-letters",
    "/records?zoho_id=1",
    "/sync",
    "/reconcile",
    "/reconcile/runs/1",
    "/alerts",
)
FRAGMENTS = ("/overview/live", "/sync/rows", "/reconcile/rows", "/records/history?zoho_id=1")


async def test_without_a_session_nothing_is_served(dashboard: Dashboard) -> None:
    """Pages redirect to the login form, fragments and actions answer 401, and nothing changes."""
    letter = await make_dead_letter(dashboard.container.sessions)
    request = dashboard.page.context.request
    for path in PAGES:
        answer = await request.get(dashboard.url(path), max_redirects=0)
        assert answer.status == 303, path
        assert answer.headers["location"].startswith("/dashboard/login"), path
    for path in FRAGMENTS:
        answer = await request.get(dashboard.url(path), headers={"HX-Request": "true"})
        assert answer.status == 401, path
    posted = await request.post(dashboard.url(f"/dead-letters/{letter}/replay"), form={"csrf_token": "x"})
    assert posted.status == 401
    assert await scalar(dashboard.container.sessions, OPEN_SQL) == 1


async def test_a_post_without_the_csrf_token_is_refused(dashboard: Dashboard) -> None:
    """Logged in, a POST without the token (or with another) answers 403 and replays nothing."""
    letter = await make_dead_letter(dashboard.container.sessions)
    await dashboard.login()
    request = dashboard.page.context.request
    url = dashboard.url(f"/dead-letters/{letter}/replay")
    assert (await request.post(url, form={})).status == 403
    assert (await request.post(url, form={"csrf_token": "forged"})).status == 403
    assert (await request.post(url, headers={"X-CSRF-Token": "forged"})).status == 403
    assert await scalar(dashboard.container.sessions, OPEN_SQL) == 1
    await dashboard.page.goto(dashboard.url("/"))
    token = await dashboard.page.get_attribute("form.logout input[name=csrf_token]", "value")
    accepted = await request.post(url, form={"csrf_token": token}, max_redirects=0)
    assert accepted.status == 303
    assert await scalar(dashboard.container.sessions, OPEN_SQL) == 0


async def test_the_session_cookie_is_signed_http_only_and_same_site(dashboard: Dashboard) -> None:
    """The cookie cannot be read by scripts or sent cross-site, and a tampered one is no session."""
    await dashboard.login()
    (cookie,) = [c for c in await dashboard.page.context.cookies() if c["name"] == "tds_dashboard"]
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"
    assert cookie["path"] == "/dashboard"
    assert await dashboard.page.evaluate("document.cookie") == ""
    await dashboard.page.context.add_cookies([{**cookie, "value": cookie["value"][:-4] + "AAAA"}])
    await dashboard.page.goto(dashboard.url("/queue"))
    assert dashboard.page.url.startswith(dashboard.url("/login"))


async def test_logout_ends_the_session(dashboard: Dashboard) -> None:
    """After logging out, the same browser is sent to the login form again."""
    await dashboard.login()
    await dashboard.page.click("form.logout button")
    await dashboard.page.wait_for_url(dashboard.url("/login"))
    await dashboard.page.goto(dashboard.url("/dead-letters"))
    assert dashboard.page.url.startswith(dashboard.url("/login"))


async def test_a_read_only_key_sees_pages_but_cannot_act(dashboard: Dashboard) -> None:
    """A viewer sees the dead letters without action buttons, and a forged POST answers 403."""
    letter = await make_dead_letter(dashboard.container.sessions)
    await dashboard.login(VIEWER_KEY)
    page = dashboard.page
    await page.goto(dashboard.url("/dead-letters"))
    assert "ValueError: bad" in await page.inner_text("#groups")
    assert await page.locator("#groups button").count() == 0
    assert "read-only" in await page.inner_text("header")
    await dashboard.screenshot("dead-letters-read-only")
    token = await page.get_attribute("form.logout input[name=csrf_token]", "value")
    answer = await page.context.request.post(
        dashboard.url(f"/dead-letters/{letter}/replay"), form={"csrf_token": token}
    )
    assert answer.status == 403
    assert "read-only" in await answer.text()
    assert await scalar(dashboard.container.sessions, OPEN_SQL) == 1
