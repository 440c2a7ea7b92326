"""An admin write commits before its answer starts, so a 2xx always means the change is durable."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tds.api.app import create_app
from tds.bootstrap import build_container
from tds.config import load_settings
from tests.integration.queue.test_admin_api import make_dead_letter

KEY = "commit-order-key-2026"


def _request(path: str) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"tds.test"), (b"x-api-key", KEY.encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("tds.test", 80),
    }


async def test_replaying_a_dead_letter_commits_before_the_answer_is_sent(
    db_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """The request's transaction ends inside the endpoint's scope, not after the response went out."""
    dead_letter = await make_dead_letter(sessions)
    settings = load_settings(environment="test", api={"admin_api_keys": [KEY]})
    container = await build_container(settings, database_url=db_url, migrate_now=False)
    order: list[str] = []
    event.listen(container.engine.sync_engine, "commit", lambda _conn: order.append("commit"))
    status: list[int] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            order.append("answer")
            status.append(message["status"])

    try:
        app = create_app(container)
        await app(_request(f"/admin/queue/dead-letters/{dead_letter}/replay"), receive, send)
    finally:
        await container.aclose()
    assert status == [200]
    assert order == ["commit", "answer"]
