"""Liveness, readiness and the OpenAPI document."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from alembic import command

from tds.api.app import create_app
from tds.bootstrap import build_container
from tds.config import load_settings
from tds.db import migrate


@pytest.fixture
async def client(db_url: str) -> AsyncIterator[httpx.AsyncClient]:
    container = await build_container(load_settings(), database_url=db_url, migrate_now=False)
    transport = httpx.ASGITransport(app=create_app(container))
    async with httpx.AsyncClient(transport=transport, base_url="http://tds.test") as http:
        yield http
    await container.aclose()


async def test_health_answers_ok(client: httpx.AsyncClient) -> None:
    """/health answers 200 without touching anything."""
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_when_database_is_at_head(client: httpx.AsyncClient) -> None:
    """/ready checks the database and the migration revision."""
    response = await client.get("/ready")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "migrations": "ok"}


async def test_not_ready_when_migrations_are_behind(client: httpx.AsyncClient, db_url: str) -> None:
    """A database below the code's migration head answers 503, naming both revisions."""
    await asyncio.to_thread(command.downgrade, migrate.alembic_config(db_url), "base")
    response = await client.get("/ready")
    assert response.status_code == 503
    assert "code expects" in response.json()["checks"]["migrations"]


async def test_not_ready_when_database_is_unreachable() -> None:
    """A database that does not answer gives 503, not 500."""
    url = "postgresql://postgres@127.0.0.1:1/nowhere"
    container = await build_container(load_settings(), database_url=url, migrate_now=False)
    transport = httpx.ASGITransport(app=create_app(container))
    async with httpx.AsyncClient(transport=transport, base_url="http://tds.test") as http:
        response = await http.get("/ready")
    await container.aclose()
    assert response.status_code == 503
    assert response.json()["checks"]["database"].startswith("unreachable")


async def test_openapi_lists_the_webhook_routes(client: httpx.AsyncClient) -> None:
    """/openapi.json documents the webhook endpoint; /docs serves the UI."""
    spec = (await client.get("/openapi.json")).json()
    assert "/webhooks/zoho/{entity}" in spec["paths"]
    assert (await client.get("/docs")).status_code == 200
