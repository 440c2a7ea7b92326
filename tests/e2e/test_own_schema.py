"""A configured schema name holds all of TDS Core, and nothing depends on `search_path`."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest

from tds.api.app import create_app
from tds.bootstrap import build_container
from tds.config import DatabaseSettings
from tds.db.engine import plain_dsn
from tds.entities.target import build_handlers
from tds.worker.pool import WorkerPool
from tests.dbutil import DatabaseServer
from tests.e2e.conftest import Stack, e2e_settings

SCHEMA = "tds_core"
ADMIN = {"X-API-Key": "e2e-admin-key"}


@pytest.fixture
async def hostile_stack(db_server: DatabaseServer) -> AsyncIterator[Stack]:
    """TDS Core in schema `tds_core` of a database whose search_path names a schema that is not there
    (as a DBA's role setting or a pooler's leftover session state might)."""
    name = await db_server.create()
    url = db_server.url_for(name)
    admin = await asyncpg.connect(plain_dsn(url))
    await admin.execute(f'ALTER DATABASE "{name}" SET search_path = nowhere')
    await admin.close()
    settings = e2e_settings().model_copy(update={"db": DatabaseSettings(schema_name=SCHEMA)})
    container = await build_container(settings, database_url=url, migrate_now=True)
    pool = WorkerPool(container.sessions, container.engine, build_handlers(settings.erp), settings.worker)
    transport = httpx.ASGITransport(app=create_app(container))
    async with httpx.AsyncClient(transport=transport, base_url="http://tds.test") as client:
        yield Stack(container, pool, client=client)
    await container.aclose()
    await db_server.drop(name)


async def test_a_webhook_reaches_the_erp_through_a_configured_schema(
    hostile_stack: Stack, zoho_records
) -> None:
    """Intake, queue, worker, handler, audit, readiness and the admin views all work with TDS Core in
    `tds_core` and a search_path that finds nothing; no `tds` schema and nothing in public appear."""
    item = zoho_records["item"][0]
    response = await hostile_stack.post("item", {"item": item})
    assert response.status_code == 202, response.text
    assert await hostile_stack.drain() == 1
    product = await hostile_stack.rows(
        "SELECT name FROM erp.products WHERE zoho_id = :id", id=item["item_id"]
    )
    assert product == [{"name": item["name"]}]
    events = await hostile_stack.rows(f"SELECT status FROM {SCHEMA}.tds_inbox_events")
    assert events == [{"status": "processed"}]
    audit = await hostile_stack.rows(f"SELECT count(*) AS n FROM {SCHEMA}.tds_audit_trail")
    assert audit == [{"n": 1}]
    ready = await hostile_stack.client.get("/ready")
    assert ready.status_code == 200, ready.text
    for path in ("/admin/queue/stats", "/admin/queue/dead-letters", "/admin/alerts", "/admin/sync/runs"):
        answer = await hostile_stack.client.get(path, headers=ADMIN)
        assert answer.status_code == 200, (path, answer.text)
    complete = await hostile_stack.client.get("/health/complete", headers=ADMIN)
    assert complete.status_code in (200, 503), complete.text
    assert "UndefinedTable" not in complete.text
    schemas = await hostile_stack.rows(
        "SELECT nspname FROM pg_namespace WHERE nspname IN ('tds', 'tds_core') ORDER BY 1"
    )
    assert schemas == [{"nspname": SCHEMA}]
    public = await hostile_stack.rows("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    assert public == []
