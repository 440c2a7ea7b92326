"""Alerts over the admin API (behind the key) and `tds alerts list|ack|resolve` on the command line."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from tds.api.app import create_app
from tds.bootstrap import build_container
from tds.cli import app
from tds.config import load_settings
from tests.integration.alerts.factories import make_alert

Sessions = async_sessionmaker[AsyncSession]
ADMIN_KEY = "alerts-admin-key-2026"


@pytest.fixture
async def admin(db_url: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = load_settings(environment="test", api={"admin_api_keys": [ADMIN_KEY]})
    container = await build_container(settings, database_url=db_url, migrate_now=False)
    transport = httpx.ASGITransport(app=create_app(container))
    headers = {"X-API-Key": ADMIN_KEY}
    async with httpx.AsyncClient(transport=transport, base_url="http://tds.test", headers=headers) as client:
        yield client
    await container.aclose()


@pytest.fixture
def keep_logging() -> Iterator[None]:
    """The command configures process-wide logging; give the test run its own set-up back."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


async def test_admin_alert_endpoints_need_the_key(admin: httpx.AsyncClient) -> None:
    """Without the admin key the alert endpoints answer 401."""
    for method, path in [("GET", "/admin/alerts"), ("POST", "/admin/alerts/1/ack")]:
        assert (await admin.request(method, path, headers={"X-API-Key": "nope"})).status_code == 401


async def test_admin_lists_acknowledges_and_resolves(admin: httpx.AsyncClient, sessions: Sessions) -> None:
    """List shows the active alert; ack and resolve move it and answer the new state."""
    alert_id = await make_alert(sessions, severity="critical")
    listing = (await admin.get("/admin/alerts")).json()["alerts"]
    assert [(a["id"], a["status"], a["severity"]) for a in listing] == [(alert_id, "open", "critical")]
    acked = await admin.post(f"/admin/alerts/{alert_id}/ack", json={"by": "ana"})
    assert acked.status_code == 200
    assert acked.json()["alert"]["acknowledged_by"] == "ana"
    resolved = await admin.post(f"/admin/alerts/{alert_id}/resolve")
    assert resolved.json()["alert"]["status"] == "resolved"
    assert resolved.json()["alert"]["resolved_by"] == "admin API"
    assert (await admin.get("/admin/alerts")).json()["alerts"] == []
    history = (await admin.get("/admin/alerts", params={"status": "resolved"})).json()["alerts"]
    assert [a["id"] for a in history] == [alert_id]


async def test_admin_answers_4xx_for_unknown_and_invalid(
    admin: httpx.AsyncClient, sessions: Sessions
) -> None:
    """Unknown id 404, a second resolve 409, a bad status or id 422, an unknown body field 422."""
    alert_id = await make_alert(sessions, status="resolved")
    missing = await admin.post("/admin/alerts/424242/ack")
    assert (missing.status_code, missing.json()["error"]) == (404, "NotFound")
    again = await admin.post(f"/admin/alerts/{alert_id}/resolve")
    assert (again.status_code, again.json()["error"]) == (409, "InvalidAlertTransition")
    assert (await admin.get("/admin/alerts", params={"status": "firing"})).status_code == 422
    assert (await admin.post(f"/admin/alerts/{2**64}/ack")).status_code == 422
    assert (await admin.post(f"/admin/alerts/{alert_id}/ack", json={"who": "x"})).status_code == 422
    assert (await admin.get(f"/admin/alerts/{alert_id}")).json()["alert"]["id"] == alert_id


async def tds(db_url: str, *args: str) -> tuple[int, str, str]:
    env = {"TDS_DB__URL": db_url, "TDS_LOG_LEVEL": "WARNING"}
    result = await asyncio.to_thread(CliRunner().invoke, app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.usefixtures("keep_logging")
async def test_cli_lists_acks_and_resolves(db_url: str, sessions: Sessions) -> None:
    """`tds alerts list` prints one line per alert; ack and resolve change it; errors exit 1."""
    alert_id = await make_alert(sessions, rule="sync_lag", subject="item", message="no sync for 20 min")
    code, out, err = await tds(db_url, "alerts", "list")
    assert code == 0, err
    assert f"#{alert_id} open" in out
    assert "sync_lag [item]" in out
    assert "no sync for 20 min" in out
    code, out, err = await tds(db_url, "alerts", "ack", str(alert_id), "--by", "ana")
    assert (code, out.startswith(f"acknowledged: #{alert_id} acknowledged")) == (0, True), err
    code, out, err = await tds(db_url, "alerts", "ack", str(alert_id))
    assert code == 1
    assert "only an open alert can be acknowledged" in err
    code, out, err = await tds(db_url, "alerts", "resolve", str(alert_id))
    assert code == 0, err
    code, out, err = await tds(db_url, "alerts", "list")
    assert out.strip() == "no alerts"
    code, out, err = await tds(db_url, "alerts", "ack", "999")
    assert code == 1
    assert "no alert 999" in err
