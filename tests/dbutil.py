"""Test databases: one migrated template per run, cloned per test, all dropped at the end."""

from __future__ import annotations

import os
import tempfile
import uuid
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from tds.db import migrate
from tds.db.engine import plain_dsn


@dataclass
class DatabaseServer:
    """A PostgreSQL server the test run may create and drop databases on."""

    admin_url: str
    prefix: str = field(default_factory=lambda: f"tds_test_{uuid.uuid4().hex[:8]}")
    created: list[str] = field(default_factory=list)
    handle: Any = None

    def url_for(self, name: str) -> str:
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    async def _admin(self) -> asyncpg.Connection:
        return await asyncpg.connect(plain_dsn(self.admin_url))

    async def create(self, template: str | None = None) -> str:
        name = f"{self.prefix}_{len(self.created)}"
        conn = await self._admin()
        try:
            clause = f' TEMPLATE "{template}"' if template else ""
            await conn.execute(f'CREATE DATABASE "{name}"{clause}')
        finally:
            await conn.close()
        self.created.append(name)
        return name

    async def drop(self, name: str) -> None:
        conn = await self._admin()
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()
        if name in self.created:
            self.created.remove(name)

    async def drop_all(self) -> None:
        for name in list(self.created):
            await self.drop(name)


def start_server() -> DatabaseServer:
    """TDS_TEST_DATABASE_URL when set (CI), else an embedded pgserver in a temporary directory."""
    url = os.environ.get("TDS_TEST_DATABASE_URL")
    if url:
        return DatabaseServer(admin_url=url)
    import pgserver

    data_dir = tempfile.mkdtemp(prefix="tds-test-pg-")
    server = pgserver.get_server(data_dir, cleanup_mode="delete")
    return DatabaseServer(admin_url=server.get_uri("postgres"), handle=server)


async def make_template(server: DatabaseServer) -> str:
    """Creates and migrates the template every test database is cloned from."""
    import asyncio

    name = await server.create()
    await asyncio.to_thread(migrate.upgrade, server.url_for(name))
    return name
