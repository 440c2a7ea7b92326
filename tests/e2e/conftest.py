"""End-to-end fixtures: the real app over ASGI, the real worker pool and handlers, one database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pytest

from tds.api.app import create_app
from tds.bootstrap import build_container
from tds.config import Settings, load_settings
from tds.emulator.data import generate
from tds.emulator.options import DatasetSizes
from tds.entities.target import build_handlers
from tds.worker.pool import WorkerPool
from tests.running import Running

TOKEN = "e2e-shared-token-0123"


@dataclass
class Stack(Running):
    """A running TDS Core: HTTP client into the app, the worker pool, and the database."""

    client: httpx.AsyncClient = field(kw_only=True)

    async def post(self, entity: str, body: dict[str, object], **params: str) -> httpx.Response:
        return await self.client.post(
            f"/webhooks/zoho/{entity}", json=body, params={"token": TOKEN, **params}
        )


def e2e_settings(**worker: object) -> Settings:
    return load_settings(
        environment="test",
        webhooks={"shared_token": TOKEN},
        api={"admin_api_keys": ["e2e-admin-key"]},
        worker={"retry_delays_s": [0.0, 0.0, 0.0], "retry_jitter": 0.0, "poll_interval_s": 0.2, **worker},
    )


@pytest.fixture
async def stack(db_url: str) -> AsyncIterator[Stack]:
    settings = e2e_settings()
    container = await build_container(settings, database_url=db_url, migrate_now=False)
    pool = WorkerPool(container.sessions, container.engine, build_handlers(settings.erp), settings.worker)
    transport = httpx.ASGITransport(app=create_app(container))
    async with httpx.AsyncClient(transport=transport, base_url="http://tds.test") as client:
        yield Stack(container, pool, client=client)
    await container.aclose()


@pytest.fixture(scope="session")
def zoho_records() -> dict[str, list[dict[str, object]]]:
    """Zoho-shaped detail records of every entity, from the emulator's seeded generator."""
    sizes = DatasetSizes(
        items=6,
        contacts=6,
        invoices=3,
        bills=3,
        creditnotes=2,
        salesorders=2,
        customerpayments=2,
        vendorpayments=2,
        pricebooks=2,
        inventory_adjustments=2,
        warehouses=2,
        users=2,
    )
    return generate(seed=7, sizes=sizes).records
