"""Operations fixtures: the real app, worker pool and monitor on one database, channels on local servers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from tds.alerts.monitor import Monitor, MonitorRound
from tds.api.app import create_app
from tds.bootstrap import build_container
from tds.config import Settings, load_settings
from tds.entities.target import build_handlers
from tds.worker.pool import WorkerPool
from tests.notify_servers import HttpReceiver, http_receiver
from tests.running import Running

TOKEN = "ops-shared-token-0123"
ADMIN_KEY = "ops-admin-key-2026"
ITEM = {
    "item_id": "46000000001",
    "name": "Drill",
    "rate": 10.0,
    "last_modified_time": "2026-11-23T10:00:00+0300",
}


@dataclass
class OpsStack(Running):
    """TDS Core with its monitor, an HTTP client into the app, and two alert channels."""

    client: httpx.AsyncClient = field(kw_only=True)
    monitor: Monitor = field(kw_only=True)
    oncall: HttpReceiver = field(kw_only=True)
    escalation: HttpReceiver = field(kw_only=True)
    settings: Settings = field(kw_only=True)

    async def post_items(self, count: int, start: int = 0, **fields: object) -> None:
        for n in range(start, start + count):
            item = {**ITEM, "item_id": f"4600000{n:05d}", **fields}
            answer = await self.client.post(
                "/webhooks/zoho/item", json={"item": item}, params={"token": TOKEN}
            )
            assert answer.status_code == 202, answer.text

    async def round(self) -> MonitorRound:
        """One monitor round, with its deliveries finished."""
        done = await self.monitor.run_once()
        assert done is not None
        await self.monitor.dispatcher.drain(10)
        return done

    async def execute(self, sql: str, **params: object) -> None:
        async with self.container.engine.begin() as conn:
            await conn.execute(text(sql), params)

    async def alerts(self, rule: str) -> list[dict[str, Any]]:
        return await self.rows("SELECT * FROM tds.tds_alerts WHERE rule = :rule ORDER BY id", rule=rule)


def ops_settings(oncall: str, escalation: str, **overrides: Any) -> Settings:
    monitor = {
        "queue_backlog": {"warning": 5, "critical": 10},
        "failure_rate": {"warning": 0.05, "critical": 0.10},
        "failure_min_attempts": 3,
        "dead_letter_growth": {"warning": 1, "critical": 3},
        **overrides.pop("monitor", {}),
    }
    channels = [
        {"name": "oncall", "target": {"kind": "webhook", "url": oncall, "secret": "hook-secret"}},
        {"name": "manager", "role": "escalation", "target": {"kind": "webhook", "url": escalation}},
    ]
    return load_settings(
        environment="test",
        webhooks={"shared_token": TOKEN},
        api={"admin_api_keys": [ADMIN_KEY]},
        worker={
            "retry_delays_s": [0.0],
            "retry_jitter": 0.0,
            "max_attempts": 2,
            "breaker_failure_threshold": 100,
            **overrides.pop("worker", {}),
        },
        monitor=monitor,
        alerts={"channels": channels, "retry_delays_s": [0.0], **overrides.pop("alerts", {})},
        **overrides,
    )


@pytest.fixture
def keep_logging() -> Iterator[None]:
    """A command configures process-wide logging; give the test run its own set-up back."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
async def make_ops(db_url: str) -> AsyncIterator[Callable[..., Any]]:
    """Builds the stack with per-test settings overrides."""
    closers: list[Any] = []

    async def build(**overrides: Any) -> OpsStack:
        oncall_cm, escalation_cm = http_receiver(), http_receiver()
        oncall, escalation = await oncall_cm.__aenter__(), await escalation_cm.__aenter__()
        closers.extend([oncall_cm, escalation_cm])
        settings = ops_settings(oncall.url, escalation.url, **overrides)
        container = await build_container(settings, database_url=db_url, migrate_now=False)
        closers.append(container)
        pool = WorkerPool(container.sessions, container.engine, build_handlers(settings.erp), settings.worker)
        transport = httpx.ASGITransport(app=create_app(container))
        headers = {"X-API-Key": ADMIN_KEY}
        client = httpx.AsyncClient(transport=transport, base_url="http://tds.test", headers=headers)
        closers.append(client)
        monitor = container.monitor().monitor
        return OpsStack(
            container,
            pool,
            client=client,
            monitor=monitor,
            oncall=oncall,
            escalation=escalation,
            settings=settings,
        )

    yield build
    for closer in reversed(closers):
        if hasattr(closer, "__aexit__") and not hasattr(closer, "aclose"):
            await closer.__aexit__(None, None, None)
        else:
            await closer.aclose()
