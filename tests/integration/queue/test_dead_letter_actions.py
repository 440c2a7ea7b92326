"""Discarding a dead letter with a reason and replaying an error group, over the admin API."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.integration.queue.test_admin_api import make_dead_letter
from tests.queue_factories import execute, scalar

Sessions = async_sessionmaker[AsyncSession]


async def test_discard_keeps_the_reason_and_closes_the_entry(
    admin: httpx.AsyncClient, sessions: Sessions
) -> None:
    """A discarded entry is resolved with its reason, queues nothing, and a second discard answers 409."""
    letter = await make_dead_letter(sessions)
    path = f"/admin/queue/dead-letters/{letter}/discard"
    answer = await admin.post(path, json={"reason": "record deleted in Zoho"})
    assert answer.status_code == 200, answer.text
    row = await scalar(
        sessions,
        "SELECT discard_reason || '|' || (resolved_at IS NOT NULL) || '|' || (replayed_at IS NULL) "
        "FROM tds.tds_dead_letter_queue WHERE id = :id",
        id=letter,
    )
    assert row == "record deleted in Zoho|true|true"
    assert await scalar(sessions, "SELECT count(*) FROM tds.tds_sync_queue WHERE status = 'pending'") == 0
    again = await admin.post(path, json={"reason": "twice"})
    assert again.status_code == 409


async def test_discard_refuses_a_missing_reason_or_entry(
    admin: httpx.AsyncClient, sessions: Sessions
) -> None:
    """No reason (or blank) is 422/400; an unknown entry is 404 — the entry stays open."""
    letter = await make_dead_letter(sessions)
    path = f"/admin/queue/dead-letters/{letter}/discard"
    assert (await admin.post(path, json={})).status_code == 422
    assert (await admin.post(path, json={"reason": "   "})).status_code == 400
    assert (
        await admin.post("/admin/queue/dead-letters/999/discard", json={"reason": "x"})
    ).status_code == 404
    assert (
        await scalar(sessions, "SELECT count(*) FROM tds.tds_dead_letter_queue WHERE resolved_at IS NULL")
        == 1
    )


async def test_replay_group_queues_only_that_error(admin: httpx.AsyncClient, sessions: Sessions) -> None:
    """One error group (ids in the message do not split it) is queued again; other errors stay open."""
    other = [await make_dead_letter(sessions, str(n)) for n in (1, 2, 3)][-1]
    await execute(
        sessions,
        "UPDATE tds.tds_dead_letter_queue "
        "SET error = 'KeyError: name of ' || id || E'\\n' || 'detail ' || id "
        "WHERE id <> :o",
        o=other,
    )
    answer = await admin.post(
        "/admin/queue/dead-letters/replay-group", json={"entity": "products", "error": "KeyError: name of #"}
    )
    assert answer.json() == {"matched": 2, "enqueued": 2}
    still_open = await scalar(
        sessions, "SELECT string_agg(id::text, ',') FROM tds.tds_dead_letter_queue WHERE resolved_at IS NULL"
    )
    assert still_open == str(other)
    queued = await scalar(
        sessions,
        "SELECT string_agg(entity_key, ',' ORDER BY id) FROM tds.tds_sync_queue WHERE status = 'pending'",
    )
    assert queued == "item:1,item:2"
    missing = await admin.post(
        "/admin/queue/dead-letters/replay-group", json={"entity": "item", "error": "no such error"}
    )
    assert missing.status_code == 404
