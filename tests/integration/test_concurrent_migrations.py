"""Several processes starting at once on an empty database: each applies or waits for the same upgrade."""

from __future__ import annotations

import asyncio
import os
import sys

import asyncpg
import pytest

from tds.db import migrate
from tds.db.engine import plain_dsn
from tests.dbutil import DatabaseServer

STARTING_AT_ONCE = 4
ERP_HEAD = "0101"


@pytest.mark.slow
async def test_concurrent_upgrades_of_an_empty_database_all_succeed_once(db_server: DatabaseServer) -> None:
    """Four `tds migrate` processes racing on a fresh database all succeed; the schema ends at head."""
    name = await db_server.create()
    url = db_server.url_for(name)
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TDS_")} | {"TDS_DB__URL": url}
        runs = [
            await asyncio.create_subprocess_exec(
                sys.executable, "-m", "tds", "migrate", env=env, stderr=asyncio.subprocess.PIPE
            )
            for _ in range(STARTING_AT_ONCE)
        ]
        results = [(await run.communicate())[1].decode() for run in runs]
        assert [run.returncode for run in runs] == [0] * STARTING_AT_ONCE, results
        conn = await asyncpg.connect(plain_dsn(url))
        try:
            versions = await conn.fetch("SELECT version_num FROM tds.alembic_version")
        finally:
            await conn.close()
        assert sorted(row["version_num"] for row in versions) == sorted([migrate.head_revision(), ERP_HEAD])
    finally:
        await db_server.drop(name)
