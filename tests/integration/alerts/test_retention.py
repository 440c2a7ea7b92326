"""Retention: the monitor removes finished work older than its period, never work still to do."""

from __future__ import annotations

from tests.integration.alerts.conftest import OpsStack
from tests.integration.queue.test_admin_api import make_dead_letter
from tests.queue_factories import enqueue

AGE = "UPDATE tds.tds_inbox_events SET received_at = now() - interval '40 days'"
COUNTS = """
SELECT (SELECT count(*) FROM tds.tds_inbox_events) AS events,
       (SELECT count(*) FROM tds.tds_sync_queue) AS jobs,
       (SELECT count(*) FROM tds.tds_sync_logs) AS logs, (SELECT count(*) FROM tds.tds_audit_trail) AS audit,
       (SELECT count(*) FROM tds.tds_dead_letter_queue) AS dead_letters
"""


async def counts(ops: OpsStack) -> dict[str, int]:
    (row,) = await ops.rows(COUNTS)
    return dict(row)


async def test_old_applied_events_go_with_their_jobs_and_logs_and_the_audit_stays(make_ops) -> None:
    ops: OpsStack = await make_ops()
    await ops.post_items(3)
    assert await ops.drain() == 3
    await ops.execute(AGE + " WHERE entity_id IN ('460000000000', '460000000001')")
    done = await ops.round()
    assert (done.retention.events, done.retention.audit_rows) == (2, 0)
    assert await counts(ops) == {"events": 1, "jobs": 1, "logs": 1, "audit": 3, "dead_letters": 0}
    (left,) = await ops.rows("SELECT entity_id FROM tds.tds_inbox_events")
    assert left["entity_id"] == "460000000002"  # the recent one stays


async def test_work_still_to_do_is_kept_however_old(make_ops) -> None:
    """A pending job, an event not yet taken and an open dead letter all stay; a closed dead letter goes."""
    ops: OpsStack = await make_ops()
    sessions = ops.container.sessions
    await enqueue(sessions, [("item", "pending-1")], inbox_status="received")
    await enqueue(sessions, [("item", "replayed-1")], inbox_status="processed")  # a replay waits to run
    open_letter = await make_dead_letter(sessions, "dead-1")
    closed_letter = await make_dead_letter(sessions, "dead-2")
    await ops.execute(
        "UPDATE tds.tds_dead_letter_queue SET resolved_at = now() WHERE id = :id", id=closed_letter
    )
    await ops.execute(AGE)
    done = await ops.round()
    assert done.retention.events == 1
    kept = {r["entity_id"] for r in await ops.rows("SELECT entity_id FROM tds.tds_inbox_events")}
    assert kept == {"pending-1", "replayed-1", "dead-1"}
    letters = [r["id"] for r in await ops.rows("SELECT id FROM tds.tds_dead_letter_queue")]
    assert letters == [open_letter]


async def test_batches_a_round_and_the_audit_period_apart(make_ops) -> None:
    ops: OpsStack = await make_ops(retention={"batch": 2, "audit_days": 10})
    await ops.post_items(3)
    assert await ops.drain() == 3
    await ops.execute(AGE)
    await ops.execute("UPDATE tds.tds_audit_trail SET changed_at = now() - interval '11 days'")
    first = await ops.round()
    assert (first.retention.events, first.retention.audit_rows) == (2, 2)
    second = await ops.round()
    assert (second.retention.events, second.retention.audit_rows) == (1, 1)
    assert await counts(ops) == {"events": 0, "jobs": 0, "logs": 0, "audit": 0, "dead_letters": 0}


async def test_zero_days_keep_everything(make_ops) -> None:
    ops: OpsStack = await make_ops(retention={"finished_days": 0})
    await ops.post_items(2)
    assert await ops.drain() == 2
    await ops.execute(AGE)
    assert (await ops.round()).retention.total == 0
    assert (await counts(ops))["events"] == 2


async def test_old_shadow_outcomes_go_after_the_period(make_ops) -> None:
    """What shadow mode recorded is kept for the finished-work period, then removed."""
    ops: OpsStack = await make_ops()
    await ops.execute(
        "INSERT INTO tds.tds_shadow_outcomes (entity, entity_id, outcome, recorded_at) "
        "VALUES ('item', '1', 'inserted', now() - interval '40 days'), ('item', '2', 'updated', now())"
    )
    assert (await ops.round()).retention.shadow_outcomes == 1
    left = await ops.rows("SELECT entity_id FROM tds.tds_shadow_outcomes")
    assert [row["entity_id"] for row in left] == ["2"]
