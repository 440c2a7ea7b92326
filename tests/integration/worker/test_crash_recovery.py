"""Crash safety: a worker process killed mid-batch loses nothing, and nothing is applied twice."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.integration.worker.conftest import PoolFactory, running, wait_until
from tests.integration.worker.fakes import APPLIED_TABLE_SQL, WritingHandler
from tests.queue_factories import enqueue, execute, jobs_by_id, scalar

Sessions = async_sessionmaker[AsyncSession]
ROOT = Path(__file__).resolve().parents[3]
SCRIPT = Path(__file__).with_name("worker_proc.py")


async def start_worker_process(db_url: str, worker_id: str, *, delay_s: float, lease_s: float):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(SCRIPT),
        db_url,
        worker_id,
        "--delay-s",
        str(delay_s),
        "--lease-s",
        str(lease_s),
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )


@pytest.mark.slow
async def test_jobs_of_a_killed_worker_run_exactly_once_elsewhere(
    sessions: Sessions, db_url: str, make_pool: PoolFactory
) -> None:
    """SIGKILL a worker process mid-batch: after its lease expires another worker finishes every job once."""
    await execute(sessions, APPLIED_TABLE_SQL)
    job_ids = await enqueue(sessions, [("item", str(n)) for n in range(25)])
    doomed = await start_worker_process(db_url, "doomed", delay_s=60, lease_s=1.0)
    try:

        async def holding() -> bool:
            sql = (
                "SELECT count(*) FROM tds.tds_sync_queue WHERE locked_by = 'doomed' AND status = 'processing'"
            )
            return await scalar(sessions, sql) == 10

        await wait_until(holding, timeout_s=30)
    finally:
        doomed.kill()
        _, stderr = await doomed.communicate()
    assert doomed.returncode == -signal.SIGKILL, stderr.decode()[-2000:]

    rescuer = make_pool({"item": WritingHandler()}, "rescuer", stuck_recovery_interval_s=0.2)
    async with running(rescuer):

        async def finished() -> bool:
            return (
                await scalar(sessions, "SELECT count(*) FROM tds.tds_sync_queue WHERE status = 'succeeded'")
                == 25
            )

        await wait_until(finished, timeout_s=30)

    rows = await jobs_by_id(sessions, job_ids)
    assert {row["status"] for row in rows.values()} == {"succeeded"}
    assert {row["locked_by"] for row in rows.values()} == {"rescuer"}
    assert sorted(row["attempts"] for row in rows.values()) == [1] * 15 + [2] * 10
    applied = await scalar(sessions, "SELECT count(*) || '/' || count(DISTINCT job_id) FROM test_applied")
    assert applied == "25/25"
    logged = await scalar(
        sessions,
        "SELECT count(*) || '/' || count(DISTINCT queue_job_id) FROM tds.tds_sync_logs "
        "WHERE outcome = 'inserted'",
    )
    assert logged == "25/25"
