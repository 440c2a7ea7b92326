"""A worker process killed mid-job: its heartbeat alert opens and notifies; its lease expires and the
job returns to the queue; stuck work that recurs raises the stuck-work alert; the job then applies."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys

from tds.db.engine import transaction
from tds.queue.repository import QueueRepository
from tests.integration.alerts.conftest import OpsStack

# Holds a product write for two seconds, long enough to kill the worker running it.
SLOW_PRODUCTS = """
CREATE FUNCTION erp.slow_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.name = 'SLOW' THEN PERFORM pg_sleep(2); END IF;
    RETURN NEW;
END $$;
"""


async def wait_for(ops: OpsStack, sql: str, timeout_s: float = 30.0) -> None:
    async with asyncio.timeout(timeout_s):
        while not (await ops.rows(sql))[0]["ok"]:
            await asyncio.sleep(0.1)


def start_worker(db_url: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TDS_")}
    env |= {
        "TDS_DB__URL": db_url,
        "TDS_DB__MIGRATE_ON_START": "false",
        "TDS_WORKER__LEASE_S": "1",
        "TDS_WORKER__HEARTBEAT_INTERVAL_S": "0.2",
        "TDS_MONITOR__INTERVAL_S": "0.3",
        "TDS_LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen([sys.executable, "-m", "tds", "worker"], env=env)


async def test_killed_worker_and_recurring_stuck_work(make_ops, db_url: str) -> None:
    """`tds worker` runs jobs and the monitor; SIGKILL during a job frees the monitor lock, the heartbeat
    alert opens (critical, notified); the expired lease is recovered by a live worker and logged; a
    second stuck job within the window raises stuck_work; all jobs apply."""
    ops: OpsStack = await make_ops(
        worker={"max_attempts": 4},
        monitor={
            "heartbeat_missing_s": {"warning": 1, "critical": 2},
            "queue_backlog": {"warning": 100, "critical": 200},
        },
    )
    await ops.execute(SLOW_PRODUCTS)
    await ops.execute(
        "CREATE TRIGGER slow_write BEFORE INSERT ON erp.products "
        "FOR EACH ROW EXECUTE FUNCTION erp.slow_write()"
    )
    await ops.post_items(1, name="SLOW")
    worker = start_worker(db_url)
    try:
        await wait_for(ops, "SELECT count(*) = 1 AS ok FROM tds.tds_sync_queue WHERE status = 'processing'")
        # the process runs the monitor loop too: it took the lock and wrote a metrics snapshot
        await wait_for(ops, "SELECT count(*) > 0 AS ok FROM tds.tds_metrics WHERE name = 'queue_processing'")
        assert await ops.monitor.run_once() is None
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    await asyncio.sleep(2.2)
    done = await ops.round()
    [finding] = [f for f in done.findings if f.rule == "worker_heartbeat"]
    assert finding.severity == "critical"
    assert [r.json()["rule"] for r in ops.oncall.requests] == ["worker_heartbeat"]

    async with asyncio.timeout(20):  # the killed backend ends its sleep and lets the row go
        while (await ops.pool.recover_expired()).requeued == 0:
            await asyncio.sleep(0.2)
    await ops.post_items(1, start=7)
    async with transaction(ops.container.sessions) as session:  # a worker that hangs past its lease
        claimed = await QueueRepository(session).claim("hung-worker", 10, 0.1)
    assert len(claimed) == 2
    await asyncio.sleep(0.3)
    assert (await ops.pool.recover_expired()).requeued == 2
    done = await ops.round()
    [stuck] = [f for f in done.findings if f.rule == "stuck_work"]
    assert stuck.severity == "warning"
    assert stuck.message.startswith("stuck jobs found 2 times")
    assert stuck.details["jobs"] == 3
    await ops.execute("DROP TRIGGER slow_write ON erp.products")
    assert await ops.drain() == 2
    assert len(await ops.rows("SELECT 1 FROM erp.products")) == 2
