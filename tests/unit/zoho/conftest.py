"""Fixtures for the Zoho client tests: a virtual clock, a fake Zoho, and a client factory."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from pydantic import SecretStr

from tds.config import ZohoSettings
from tds.zoho.client import ZohoClient
from tds.zoho.clock import ManualClock
from tests.unit.zoho.fakezoho import CLIENT_ID, CLIENT_SECRET, ORGANIZATION_ID, REFRESH_TOKEN, FakeZoho


def zoho_settings(**overrides: Any) -> ZohoSettings:
    values: dict[str, Any] = {
        "data_centre": "eu",
        "client_id": CLIENT_ID,
        "client_secret": SecretStr(CLIENT_SECRET),
        "refresh_token": SecretStr(REFRESH_TOKEN),
        "organization_id": ORGANIZATION_ID,
        "max_retries": 3,
    }
    values.update(overrides)
    return ZohoSettings(**values)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def fake(clock: ManualClock) -> FakeZoho:
    return FakeZoho(clock)


@pytest.fixture
async def make_client(fake: FakeZoho, clock: ManualClock) -> AsyncIterator[Callable[..., ZohoClient]]:
    """Builds clients wired to the fake Zoho and the virtual clock; closes them afterwards."""
    clients: list[ZohoClient] = []

    def make(**overrides: Any) -> ZohoClient:
        client = ZohoClient(
            zoho_settings(**overrides), transport=fake.transport(), clock=clock, rng=random.Random(7)
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


@pytest.fixture
def client(make_client: Callable[..., ZohoClient]) -> ZohoClient:
    return make_client()
