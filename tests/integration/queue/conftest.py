"""Queue fixtures: the real app over this test's database, with an admin key, behind an HTTP client."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tds.api.app import create_app
from tds.bootstrap import build_container
from tds.config import load_settings

ADMIN_KEY = "queue-admin-key-2026"
MAX_ATTEMPTS = 6


@pytest.fixture
async def admin(db_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client into the app that sends the admin key on every request."""
    settings = load_settings(
        environment="test", api={"admin_api_keys": [ADMIN_KEY]}, worker={"max_attempts": MAX_ATTEMPTS}
    )
    container = await build_container(settings, database_url=db_url, migrate_now=False)
    transport = httpx.ASGITransport(app=create_app(container))
    headers = {"X-API-Key": ADMIN_KEY}
    async with httpx.AsyncClient(transport=transport, base_url="http://tds.test", headers=headers) as client:
        yield client
    await container.aclose()
