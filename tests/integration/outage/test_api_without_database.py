"""The API while PostgreSQL is away: webhooks answer 503 with Retry-After, and work again once it is back."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from tds.api.app import create_app
from tds.bootstrap import build_container
from tds.config import load_settings
from tests.pgcluster import Cluster

TOKEN = "outage-token-0123456"
ITEM = {"item": {"item_id": "4600001", "name": "Drill", "last_modified_time": "2026-11-23T10:00:00+0300"}}


@pytest.fixture
async def client(cluster: Cluster) -> AsyncIterator[httpx.AsyncClient]:
    settings = load_settings(environment="test", webhooks={"shared_token": TOKEN}, api={"retry_after_s": 7})
    container = await build_container(settings, database_url=cluster.url("tds"), migrate_now=False)
    transport = httpx.ASGITransport(app=create_app(container))
    async with httpx.AsyncClient(transport=transport, base_url="http://tds.test") as http:
        yield http
    await container.aclose()


async def _post(client: httpx.AsyncClient) -> httpx.Response:
    return await client.post("/webhooks/zoho/item", json=ITEM, params={"token": TOKEN})


async def test_webhook_answers_503_with_retry_after_while_the_database_is_down(
    cluster: Cluster, client: httpx.AsyncClient
) -> None:
    """A pooled connection dies with the server, then connects are refused: both answer 503, never 500."""
    assert (await client.get("/ready")).status_code == 200  # the pool now holds a live connection
    await asyncio.to_thread(cluster.stop, "immediate")
    for _ in range(2):  # first the dead pooled connection, then a refused new one
        answer = await _post(client)
        assert answer.status_code == 503
        assert answer.headers["Retry-After"] == "7"
        assert answer.json()["error"] == "DatabaseUnavailable"
    assert (await client.get("/health")).status_code == 200
    assert (await client.get("/ready")).status_code == 503
    await asyncio.to_thread(cluster.start)
    assert (await _post(client)).status_code == 202
    assert (await _post(client)).status_code == 200  # the retried delivery is a duplicate, stored once


async def test_a_restart_between_requests_costs_one_503(cluster: Cluster, client: httpx.AsyncClient) -> None:
    """After a fast restart the pooled connection is dead: that request answers 503, the next reconnects."""
    assert (await _post(client)).status_code == 202
    await asyncio.to_thread(cluster.restart, "fast")
    answers = [(await _post(client)).status_code for _ in range(2)]
    assert answers == [503, 200]  # the retried delivery then finds the event already stored
