"""Delivery misbehaviour on purpose: drop, duplicate, delay, reorder, retries, quota and timeouts."""

from __future__ import annotations

import json
from typing import Any

import httpx

from tds.emulator.service import Emulator
from tests.integration.emulator.conftest import Receiver


async def setup(client: httpx.AsyncClient, receiver: Receiver, **switches: Any) -> None:
    """One webhook for invoices, then the given switches."""
    reply = await client.post("/__emulator__/webhooks", json={"url": receiver.url, "entities": ["invoice"]})
    assert reply.status_code == 201
    assert (await client.put("/__emulator__/webhooks/switches", json=switches)).status_code == 200


async def edit_invoice(emulator: Emulator, notes: str) -> str:
    invoice_id = str(emulator.store.rows("invoice")[0]["invoice_id"])
    await emulator.mutator.edit("invoice", invoice_id, {"notes": notes})
    return invoice_id


def notes(receiver: Receiver) -> list[str]:
    return [json.loads(e.body)["invoice"]["notes"] for e in receiver.events()]


async def log(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = (await client.get("/__emulator__/deliveries")).json()["deliveries"]
    return [r for r in rows if r["event"] != "check"]


async def test_drop_loses_a_delivery_and_logs_it(
    client: httpx.AsyncClient, receiver: Receiver, emulator: Emulator
) -> None:
    """drop.next=1: the first change never arrives; the log says dropped."""
    await setup(client, receiver, drop={"next": 1})
    await edit_invoice(emulator, "one")
    await edit_invoice(emulator, "two")
    await emulator.webhooks.drain()
    assert notes(receiver) == ["two"]
    assert [r["status"] for r in await log(client)] == ["dropped", "delivered"]


async def test_duplicate_sends_the_same_delivery_twice(
    client: httpx.AsyncClient, receiver: Receiver, emulator: Emulator
) -> None:
    """duplicate.next=1: identical bodies arrive twice, the copy marked in the log."""
    await setup(client, receiver, duplicate={"next": 1})
    await edit_invoice(emulator, "once")
    await emulator.webhooks.drain()
    first, second = receiver.events()
    assert first.body == second.body
    assert [r["duplicate"] for r in await log(client)] == [False, True]


async def test_reorder_sends_a_window_of_deliveries_backwards(
    client: httpx.AsyncClient, receiver: Receiver, emulator: Emulator
) -> None:
    """reorder_window=3: three quick edits of one invoice arrive newest first."""
    await setup(client, receiver, reorder_window=3, reorder_wait_s=0.5)
    for text in ("one", "two", "three"):
        await edit_invoice(emulator, text)
    await emulator.webhooks.drain()
    assert notes(receiver) == ["three", "two", "one"]
    stamps = [json.loads(e.body)["invoice"]["last_modified_time"] for e in receiver.events()]
    assert stamps == sorted(stamps, reverse=True)


async def test_delay_lets_later_changes_overtake(
    client: httpx.AsyncClient, receiver: Receiver, emulator: Emulator
) -> None:
    """delay.next=1 holds the first delivery back; the second arrives before it."""
    await setup(client, receiver, delay={"next": 1}, delay_s=0.3)
    await edit_invoice(emulator, "late")
    await edit_invoice(emulator, "early")
    assert await emulator.webhooks.drain(5)
    assert notes(receiver) == ["early", "late"]


async def test_failed_deliveries_retry_at_growing_intervals(
    client: httpx.AsyncClient, receiver: Receiver, emulator: Emulator
) -> None:
    """Two 500s then 200: three attempts, the second wait longer than the first (1 and 5 min, scaled)."""
    await setup(client, receiver, retry_intervals_s=[60, 300], retry_time_scale=0.001)
    receiver.statuses.extend([500, 500])
    await edit_invoice(emulator, "retried")
    assert await emulator.webhooks.drain(5)
    attempts = receiver.events()
    assert len(attempts) == 3
    assert len({a.body for a in attempts}) == 1
    first_gap, second_gap = attempts[1].at - attempts[0].at, attempts[2].at - attempts[1].at
    assert 0.05 <= first_gap < second_gap
    rows = await log(client)
    assert [(r["attempt"], r["status"], r["response_code"]) for r in rows] == [
        (1, "failed", 500),
        (2, "failed", 500),
        (3, "delivered", 200),
    ]


async def test_without_a_retry_policy_a_failed_delivery_is_lost(
    client: httpx.AsyncClient, receiver: Receiver, emulator: Emulator
) -> None:
    """Books' default: one attempt, logged as failed, never repeated."""
    await setup(client, receiver)
    receiver.statuses.append(503)
    await edit_invoice(emulator, "lost")
    await emulator.webhooks.drain()
    assert len(receiver.events()) == 1
    assert [r["status"] for r in await log(client)] == ["failed"]


async def test_daily_quota_silently_stops_sending(
    client: httpx.AsyncClient, receiver: Receiver, emulator: Emulator
) -> None:
    """Past the daily webhook quota nothing is sent; the log says quota_exceeded."""
    await setup(client, receiver, daily_quota=2)
    for text in ("a", "b", "c"):
        await edit_invoice(emulator, text)
    await emulator.webhooks.drain()
    assert notes(receiver) == ["a", "b"]
    assert [r["status"] for r in await log(client)] == ["delivered", "delivered", "quota_exceeded"]


async def test_a_slow_receiver_times_out(
    client: httpx.AsyncClient, receiver: Receiver, emulator: Emulator
) -> None:
    """An answer slower than the webhook timeout counts as a failed attempt."""
    await setup(client, receiver, timeout_s=0.2)
    receiver.delays_s.append(0.5)
    await edit_invoice(emulator, "slow")
    await emulator.webhooks.drain()
    (row,) = await log(client)
    assert (row["status"], row["error"], row["response_code"]) == ("failed", "timeout", None)


async def test_an_unreachable_url_is_logged_as_failed(client: httpx.AsyncClient, receiver: Receiver) -> None:
    """A refused connection fails the check call; the webhook is still saved."""
    reply = await client.post("/__emulator__/webhooks", json={"url": "http://127.0.0.1:9/hook"})
    assert reply.json()["check"]["status"] == "failed"
    assert reply.json()["check"]["error"] == "ConnectError"
    hooks = (await client.get("/__emulator__/webhooks")).json()["webhooks"]
    assert [h["url"] for h in hooks] == ["http://127.0.0.1:9/hook"]
