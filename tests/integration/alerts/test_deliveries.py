"""Notices are stored with the alert change that caused them: sent, given up, or left for the next monitor."""

from __future__ import annotations

import asyncio

from tds.alerts.dispatch import Dispatcher, Route
from tds.alerts.monitor import Monitor
from tds.alerts.notifiers.base import Notice
from tests.integration.alerts.conftest import OpsStack

DELIVERIES = (
    "SELECT channel, kind, status, attempts, last_error, alert_id FROM tds.tds_alert_deliveries ORDER BY id"
)


class Stuck:
    """A channel that never answers (a process stops while it waits on it)."""

    def __init__(self) -> None:
        self.called = asyncio.Event()

    async def send(self, notice: Notice) -> None:
        self.called.set()
        await asyncio.Event().wait()


def stuck_monitor(ops: OpsStack, channel: Stuck) -> Monitor:
    """Another process's monitor, whose `oncall` channel hangs."""
    dispatcher = Dispatcher([Route("oncall", channel)], retry_delays_s=[0.0])
    return Monitor(ops.container.engine, ops.container.sessions, ops.settings, dispatcher)


async def test_a_notice_is_stored_and_marked_sent(make_ops) -> None:
    ops: OpsStack = await make_ops()
    await ops.post_items(6)
    done = await ops.round()
    assert done.deliveries == 1
    [alert] = await ops.alerts("queue_backlog")
    assert await ops.rows(DELIVERIES) == [
        {
            "channel": "oncall",
            "kind": "firing",
            "status": "sent",
            "attempts": 1,
            "last_error": None,
            "alert_id": alert["id"],
        }
    ]
    assert len(ops.oncall.requests) == 1


async def test_a_failing_channel_is_given_up_with_its_error(make_ops) -> None:
    ops: OpsStack = await make_ops()
    ops.oncall.default = (500, b'{"error": "down"}')
    await ops.post_items(6)
    await ops.round()
    [delivery] = await ops.rows(DELIVERIES)
    assert (delivery["status"], delivery["attempts"]) == ("given_up", 2)  # retry_delays_s [0.0]: two attempts
    assert "500" in delivery["last_error"]
    await ops.round()  # a given-up delivery is not tried again
    assert len(ops.oncall.requests) == 2
    scraped = (await ops.client.get("/metrics")).text
    assert 'tds_alert_deliveries{status="given_up"} 1.0' in scraped
    assert 'tds_alert_deliveries{status="pending"} 0.0' in scraped


async def test_a_notice_a_crashed_process_did_not_send_is_sent_by_the_next_monitor(make_ops) -> None:
    """The process that opened the alert died while its channel hung: the alert says notified, and
    the delivery, still pending, goes out from the next monitor once its lease has run out."""
    ops: OpsStack = await make_ops()
    await ops.post_items(6)
    channel = Stuck()
    crashed = stuck_monitor(ops, channel)
    assert await crashed.run_once() is not None
    await asyncio.wait_for(channel.called.wait(), 5)
    await crashed.dispatcher.drain(0)  # the process is gone: nothing recorded, nothing let go
    [alert] = await ops.alerts("queue_backlog")
    assert alert["notifications"] == 1
    [pending] = await ops.rows(DELIVERIES)
    assert pending["status"] == "pending"

    await ops.round()  # still within the dead process's lease: not taken yet
    assert ops.oncall.requests == []
    await ops.execute("UPDATE tds.tds_alert_deliveries SET claimed_until = now() - interval '1 second'")
    done = await ops.round()
    assert done.deliveries == 1
    [message] = ops.oncall.requests
    assert (message.json()["kind"], message.json()["alert_id"]) == ("firing", alert["id"])
    [sent] = await ops.rows(DELIVERIES)
    assert (sent["status"], sent["attempts"]) == ("sent", 1)
    await ops.round()
    assert len(ops.oncall.requests) == 1  # sent once


async def test_a_stopping_monitor_lets_go_of_what_it_did_not_send(make_ops) -> None:
    """A graceful stop gives up waiting on a hanging channel and hands the delivery on at once."""
    ops: OpsStack = await make_ops()
    await ops.post_items(6)
    channel = Stuck()
    stopping = stuck_monitor(ops, channel)
    stop = asyncio.Event()
    task = asyncio.create_task(stopping.run(stop))
    await asyncio.wait_for(channel.called.wait(), 10)
    stop.set()
    await asyncio.wait_for(task, 30)
    [pending] = await ops.rows(DELIVERIES)
    assert pending["status"] == "pending"
    await ops.round()
    assert [r.json()["kind"] for r in ops.oncall.requests] == ["firing"]
    [sent] = await ops.rows(DELIVERIES)
    assert sent["status"] == "sent"
