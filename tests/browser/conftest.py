"""Browser fixtures: headless Chromium (Debian's package) driven by Playwright, against a served TDS Core.

The tests skip, saying why, when the browser or Playwright is not installed (`.ci/run` installs the
browser). Playwright's own browser download is never used: the system Chromium is launched directly.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tds.api.app import create_app
from tds.bootstrap import Container, build_container
from tds.config import Settings, load_settings
from tds.entities.target import build_handlers
from tds.worker.pool import WorkerPool
from tests.integration.emulator.conftest import serve
from tests.integration.pull.conftest import make_stack  # noqa: F401  (the sync-run tests use it)
from tests.running import Running

ADMIN_KEY = "dashboard-admin-key-2026"
VIEWER_KEY = "dashboard-viewer-key-2026"
TOKEN = "dashboard-webhook-token"
# The docs' screenshots are refreshed on request (TDS_SCREENSHOTS=docs/dashboard); a plain test run
# writes them to a scratch directory, so that it leaves the checkout as it found it.
SCREENSHOTS = Path(os.environ.get("TDS_SCREENSHOTS") or Path(tempfile.gettempdir()) / "tds-dashboard-shots")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def chromium_path() -> str | None:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Any]:
    """One headless Chromium for the whole run."""
    executable = chromium_path()
    if executable is None:
        pytest.skip("browser tests need Chromium: apt-get install -y chromium (.ci/run does it in CI)")
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        pytest.skip("browser tests need the playwright package (pip install -e '.[dev]')")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


@dataclass
class Dashboard(Running):
    """A served TDS Core (API + dashboard) on a free port, its worker pool, and a browser page."""

    base_url: str = field(kw_only=True)
    page: Any = field(kw_only=True)

    def url(self, path: str) -> str:
        return f"{self.base_url}/dashboard{path}"

    async def login(self, key: str = ADMIN_KEY, name: str = "") -> None:
        await self.page.goto(self.url("/login"))
        await self.page.fill("input[name=api_key]", key)
        await self.page.fill("input[name=name]", name)
        await self.page.click("button[type=submit]")
        await self.page.wait_for_load_state()

    async def screenshot(self, name: str, *, phone: bool = False) -> None:
        """Saves the page as <name>.png in SCREENSHOTS (docs/dashboard/ shows them)."""
        if phone:
            await self.page.set_viewport_size(PHONE)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        if phone:
            await self.page.set_viewport_size(DESKTOP)


def dashboard_settings(**overrides: Any) -> Settings:
    return load_settings(
        environment="test",
        api={"admin_api_keys": [ADMIN_KEY]},
        webhooks={"shared_token": TOKEN},
        worker={
            "retry_delays_s": [0.0],
            "retry_jitter": 0.0,
            "max_attempts": 2,
            "poll_interval_s": 0.1,
            "breaker_failure_threshold": 100,
        },
        dashboard={"refresh_interval_s": 1.0, "read_only_api_keys": [VIEWER_KEY]},
        **overrides,
    )


@contextlib.asynccontextmanager
async def served(container: Container, pool: WorkerPool, browser: Any) -> AsyncIterator[Dashboard]:
    """Serves the container's app on a free port and opens a desktop-sized page on it."""
    context = await browser.new_context(viewport=DESKTOP)
    page = await context.new_page()
    async with serve(create_app(container)) as base_url:
        yield Dashboard(container, pool, base_url=base_url, page=page)
    await context.close()


@pytest.fixture
async def dashboard(db_url: str, browser: Any) -> AsyncIterator[Dashboard]:
    settings = dashboard_settings()
    container = await build_container(settings, database_url=db_url, migrate_now=False)
    pool = WorkerPool(container.sessions, container.engine, build_handlers(settings.erp), settings.worker)
    async with served(container, pool, browser) as running:
        yield running
    await container.aclose()


@contextlib.asynccontextmanager
async def worker_running(pool: WorkerPool) -> AsyncIterator[None]:
    """The worker pool claiming in the background, as `tds worker` would, until the block ends."""
    stop = asyncio.Event()
    task = asyncio.create_task(pool.run(stop))
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=30)
