"""Fixtures for intake tests: the real app over a fresh database, an HTTP client, signing, counting."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tds.api.app import create_app
from tds.bootstrap import Container, build_container
from tds.config import load_settings

SECRET = "WebhookSecret2026"
MAX_BODY_BYTES = 4096
MAX_ATTEMPTS = 7


def sign(body: bytes, prefix: bytes = b"") -> str:
    """Zoho's signature: lowercase hex HMAC-SHA256 of (sorted query pairs +) the raw body."""
    return hmac.new(SECRET.encode(), prefix + body, hashlib.sha256).hexdigest()


@dataclass
class Counts:
    inbox: int
    queue: int
    rejected: int


ClientFactory = Callable[..., Awaitable[httpx.AsyncClient]]


@pytest.fixture
async def client_factory(db_url: str) -> AsyncIterator[ClientFactory]:
    """Builds the app with the given webhook settings over this test's database."""
    containers: list[Container] = []
    clients: list[httpx.AsyncClient] = []

    async def make(**webhooks: object) -> httpx.AsyncClient:
        settings = load_settings(
            webhooks={"max_body_bytes": MAX_BODY_BYTES, **webhooks},
            api={"admin_api_keys": []},
            worker={"max_attempts": MAX_ATTEMPTS},
        )
        container = await build_container(settings, database_url=db_url, migrate_now=False)
        containers.append(container)
        transport = httpx.ASGITransport(app=create_app(container))
        client = httpx.AsyncClient(transport=transport, base_url="http://tds.test")
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()
    for container in containers:
        await container.aclose()


@pytest.fixture
async def client(client_factory: ClientFactory) -> httpx.AsyncClient:
    """The app with an HMAC secret configured (the signature is required)."""
    return await client_factory(hmac_secret=SECRET)


@pytest.fixture
def counts(engine: AsyncEngine) -> Callable[[], Awaitable[Counts]]:
    async def count() -> Counts:
        async with engine.connect() as conn:
            inbox = await conn.scalar(
                text("SELECT count(*) FROM tds.tds_inbox_events WHERE status <> 'rejected'")
            )
            rejected = await conn.scalar(
                text("SELECT count(*) FROM tds.tds_inbox_events WHERE status = 'rejected'")
            )
            queue = await conn.scalar(text("SELECT count(*) FROM tds.tds_sync_queue"))
        return Counts(inbox=inbox or 0, queue=queue or 0, rejected=rejected or 0)

    return count
