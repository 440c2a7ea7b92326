"""Fixtures for ERP profile tests: foreign ERP schemas built by DDL, and TDS Core running on them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from tds.api.app import create_app
from tds.bootstrap import build_container
from tds.db.engine import plain_dsn
from tds.entities.target import build_handlers
from tds.worker.pool import WorkerPool
from tests.e2e.conftest import Stack, e2e_settings

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "erp-profiles"
HERE = Path(__file__).resolve().parent


async def run_ddl(db_url: str, sql: str) -> None:
    conn = await asyncpg.connect(plain_dsn(db_url))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def profiled_settings(profile: Path, **worker: object) -> Any:
    settings = e2e_settings(**worker)
    return settings.model_copy(update={"erp": settings.erp.model_copy(update={"profile": profile})})


StackFactory = Callable[..., Awaitable[Stack]]


@pytest.fixture
async def profiled_stack(db_url: str) -> AsyncIterator[StackFactory]:
    """Builds the ERP schema from `ddl` (None: the one built before), then TDS Core (app + worker pool)
    writing it through `profile`."""
    opened: list[Any] = []

    async def build(ddl: Path | None, profile: Path, **worker: object) -> Stack:
        if ddl is not None:
            await run_ddl(db_url, ddl.read_text())
        settings = profiled_settings(profile, **worker)
        container = await build_container(settings, database_url=db_url, migrate_now=False)
        pool = WorkerPool(container.sessions, container.engine, build_handlers(settings.erp), settings.worker)
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(container)), base_url="http://t"
        )
        opened.append((container, client))
        return Stack(container, pool, client=client)

    yield build
    for container, client in opened:
        await client.aclose()
        await container.aclose()


async def execute(stack: Stack, sql: str) -> None:
    """Runs one statement and commits it (an ERP user's own change, or making a retry due now)."""
    from sqlalchemy import text

    async with stack.container.engine.begin() as conn:
        await conn.execute(text(sql))
