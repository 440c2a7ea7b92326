"""Pull-sync fixtures: the emulator served over real HTTP, a client pointed at it, TDS on one database."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tds.api.app import create_app
from tds.bootstrap import Container, build_container
from tds.config import Settings, load_settings
from tds.emulator.app import create_app as create_emulator_app
from tds.emulator.clock import Clock as EmulatorClock
from tds.emulator.options import DatasetSizes, EmulatorOptions
from tds.emulator.service import Emulator
from tds.entities.target import build_handlers
from tds.followups.factory import build_followups, with_followups
from tds.followups.service import FollowupRunner
from tds.pull.factory import PullComponents, build_pull
from tds.worker.pool import WorkerPool
from tests.integration.emulator.conftest import serve
from tests.running import Running

SMALL = DatasetSizes(
    items=45,
    contacts=20,
    invoices=25,
    bills=8,
    creditnotes=5,
    salesorders=8,
    customerpayments=8,
    vendorpayments=5,
    pricebooks=2,
    inventory_adjustments=5,
    warehouses=2,
    users=3,
)
TOKEN = "pull-test-token-0123"
PAYMENT_KIND = {"customerpayment": "customer", "vendorpayment": "vendor"}
TABLES = {
    "item": "products",
    "invoice": "invoices",
    "bill": "bills",
    "creditnote": "credit_notes",
    "salesorder": "sales_orders",
    "pricebook": "price_lists",
    "inventory_adjustment": "stock_adjustments",
    "warehouse": "warehouses",
    "user": "users",
}


class FastTime:
    """Time that runs `speed` times faster than the wall clock, for both sides of a rate-limit test."""

    def __init__(self, speed: float) -> None:
        self.speed = speed
        self._t0 = time.monotonic()
        self._wall0 = datetime.now(UTC)

    def elapsed(self) -> float:
        return (time.monotonic() - self._t0) * self.speed

    # the client's Clock port
    def monotonic(self) -> float:
        return self.elapsed()

    def utcnow(self) -> datetime:
        return self._wall0 + timedelta(seconds=self.elapsed())

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds) / self.speed)


class FastEmulatorClock(EmulatorClock):
    def __init__(self, fast: FastTime, offset_minutes: int) -> None:
        super().__init__(offset_minutes)
        self.fast = fast

    def now(self) -> datetime:
        return self.fast.utcnow() + self._shift


@dataclass
class PullStack(Running):
    """The emulator, and TDS Core pulling from it."""

    emulator: Emulator = field(kw_only=True)
    pull: PullComponents = field(kw_only=True)
    settings: Settings = field(kw_only=True)

    async def erp_records(self, entity: str, *, include_deleted: bool = False) -> dict[str, Any]:
        """{zoho_id: raw Zoho record as last applied} for one entity, from the ERP tables."""
        where = "" if include_deleted else "WHERE NOT is_deleted"
        if entity == "contact":
            sql = (
                f"SELECT zoho_id, raw FROM erp.customers {where} "
                f"UNION ALL SELECT zoho_id, raw FROM erp.vendors {where}"
            )
        elif entity in PAYMENT_KIND:
            cond = f"payment_kind = '{PAYMENT_KIND[entity]}'" + (
                "" if include_deleted else " AND NOT is_deleted"
            )
            sql = f"SELECT zoho_id, raw FROM erp.payments WHERE {cond}"
        else:
            sql = f"SELECT zoho_id, raw FROM erp.{TABLES[entity]} {where}"
        return {r["zoho_id"]: r["raw"] for r in await self.rows(sql)}

    def command_env(self, db_url: str, **extra: str) -> dict[str, str]:
        """The environment of a `tds` command run as a process against this stack's emulator."""
        zoho = self.settings.zoho
        env = {k: v for k, v in os.environ.items() if not k.startswith("TDS_")}
        env.update(
            {
                "TDS_DB__URL": db_url,
                "TDS_DB__MIGRATE_ON_START": "false",
                "TDS_ZOHO__CLIENT_ID": zoho.client_id,
                "TDS_ZOHO__ORGANIZATION_ID": zoho.organization_id,
                "TDS_ZOHO__CLIENT_SECRET": zoho.client_secret.get_secret_value(),  # type: ignore[union-attr]
                "TDS_ZOHO__REFRESH_TOKEN": zoho.refresh_token.get_secret_value(),  # type: ignore[union-attr]
                "TDS_ZOHO__ACCOUNTS_URL": zoho.accounts_url or "",
                "TDS_ZOHO__API_BASE_URL": zoho.api_base_url or "",
                **extra,
            }
        )
        return env

    def with_followups(self, client: Any = None, **followups: object) -> FollowupRunner:
        """Stock refreshes on: the pool's handlers ask for them, and the returned runner makes them
        (through `client`, else the stack's pull client); `followups` override the test settings."""
        settings = self.settings.model_copy(
            update={"followups": self.settings.followups.model_copy(update=followups)}
        )
        handlers = with_followups(settings, build_handlers(settings.erp))
        self.pool = WorkerPool(self.container.sessions, self.container.engine, handlers, settings.worker)
        return build_followups(settings, self.container.sessions, client or self.pull.client)

    async def settle(self, runner: FollowupRunner) -> None:
        """Drains the queue and runs due follow-ups until neither has anything left to do."""
        while True:
            await self.drain()
            if (await runner.run_once()).claimed == 0:
                return

    def zoho_records(self, entity: str) -> dict[str, Any]:
        spec_id = {"customerpayment": "payment_id", "vendorpayment": "payment_id"}.get(entity, f"{entity}_id")
        return {str(r[spec_id]): r for r in self.emulator.store.snapshot(entity)[entity]}


def pull_settings(base_url: str, options: EmulatorOptions, **zoho: object) -> Settings:
    return load_settings(
        environment="test",
        webhooks={"shared_token": TOKEN},
        worker={"retry_delays_s": [0.0], "retry_jitter": 0.0},
        pull={"per_page": 10, "scheduler_enabled": False},
        followups={"stock_window_s": 0.0, "retry_delays_s": [0.0], "retry_jitter": 0.0, "budget_floor": 0},
        zoho={
            "client_id": options.client_id,
            "client_secret": options.client_secret,
            "refresh_token": options.refresh_token,
            "organization_id": options.organization_id,
            "accounts_url": base_url,
            "api_base_url": base_url,
            "requests_per_minute": 6000,
            "max_retries": 6,
            **zoho,
        },
    )


@pytest.fixture
async def make_stack(db_url: str) -> AsyncIterator[Any]:
    """Builds emulator + TDS for a test, with per-test options; tears everything down after."""
    opened: list[Any] = []

    async def build(
        options: EmulatorOptions | None = None,
        *,
        fast: FastTime | None = None,
        webhooks: Any = (),
        **zoho: object,
    ) -> PullStack:
        options = options or EmulatorOptions(sizes=SMALL, per_minute_limit=0)
        clock = FastEmulatorClock(fast, options.offset_minutes) if fast else None
        settings_holder: dict[str, Container] = {}

        class LateTransport(httpx.AsyncBaseTransport):
            """Delivers emulator webhooks into the TDS app built below."""

            async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
                app = create_app(settings_holder["container"])
                return await httpx.ASGITransport(app=app).handle_async_request(request)

        emulator = Emulator(options, webhooks=webhooks, webhook_transport=LateTransport(), clock=clock)
        server = serve(create_emulator_app(emulator))
        base_url = await server.__aenter__()
        opened.append(server)
        settings = pull_settings(base_url, options, **zoho)
        container = await build_container(settings, database_url=db_url, migrate_now=False)
        settings_holder["container"] = container
        pull = build_pull(settings, container.engine, container.sessions, clock=fast)
        pool = WorkerPool(container.sessions, container.engine, build_handlers(settings.erp), settings.worker)
        stack = PullStack(container, pool, emulator=emulator, pull=pull, settings=settings)
        opened.append(stack)
        await emulator.start()
        return stack

    yield build
    for item in reversed(opened):
        if isinstance(item, PullStack):
            await item.emulator.aclose()
            await item.pull.aclose()
            await item.container.aclose()
        else:
            await item.__aexit__(None, None, None)
