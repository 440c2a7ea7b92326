"""The queue's admin endpoints: stats, dead letters, replay; bad input answers 4xx with a reason."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.integration.queue.conftest import MAX_ATTEMPTS
from tests.queue_factories import enqueue, execute, scalar

Sessions = async_sessionmaker[AsyncSession]


async def make_dead_letter(sessions: Sessions, entity_id: str = "1") -> int:
    await enqueue(sessions, [("item", entity_id)])
    await execute(
        sessions, "UPDATE tds.tds_sync_queue SET status = 'dead' WHERE entity_key = :k", k=f"item:{entity_id}"
    )
    await execute(
        sessions,
        "INSERT INTO tds.tds_dead_letter_queue "
        "(queue_job_id, inbox_event_id, entity, entity_key, attempts, error, traceback) "
        "SELECT id, inbox_event_id, entity, entity_key, 4, 'ValueError: bad', 'Traceback ...' "
        "FROM tds.tds_sync_queue WHERE entity_key = :k",
        k=f"item:{entity_id}",
    )
    await execute(
        sessions, "UPDATE tds.tds_inbox_events SET status = 'failed' WHERE entity_id = :e", e=entity_id
    )
    return int(await scalar(sessions, "SELECT max(id) FROM tds.tds_dead_letter_queue"))


async def test_admin_endpoints_need_the_key(admin: httpx.AsyncClient) -> None:
    """Without the admin key every queue endpoint answers 401."""
    for method, path in [("GET", "/admin/queue/stats"), ("POST", "/admin/queue/replay")]:
        response = await admin.request(method, path, headers={"X-API-Key": "wrong"})
        assert response.status_code == 401


async def test_stats_report_counts_and_dead_letters(admin: httpx.AsyncClient, sessions: Sessions) -> None:
    """Stats count jobs per status and entity and the open dead letters."""
    await enqueue(sessions, [("item", "2"), ("contact", "5")])
    await make_dead_letter(sessions)
    response = await admin.get("/admin/queue/stats")
    assert response.status_code == 200
    body = response.json()
    assert body["by_status"] == {"pending": 2, "dead": 1}
    assert body["by_entity"] == {"item": {"pending": 1, "dead": 1}, "contact": {"pending": 1}}
    assert body["dead_letters_open"] == 1
    assert body["workers"] == []


async def test_dead_letters_list_and_detail(admin: httpx.AsyncClient, sessions: Sessions) -> None:
    """The list shows open entries without traceback; one entry shows its traceback."""
    first = await make_dead_letter(sessions, "1")
    second = await make_dead_letter(sessions, "2")
    listing = (await admin.get("/admin/queue/dead-letters", params={"entity": "products"})).json()
    assert [row["id"] for row in listing["dead_letters"]] == [second, first]
    assert "traceback" not in listing["dead_letters"][0]
    detail = (await admin.get(f"/admin/queue/dead-letters/{first}")).json()["dead_letter"]
    assert (detail["entity_key"], detail["error"], detail["traceback"]) == (
        "item:1",
        "ValueError: bad",
        "Traceback ...",
    )


async def test_replaying_a_dead_letter_queues_its_event(admin: httpx.AsyncClient, sessions: Sessions) -> None:
    """POST replay re-enqueues the event with the configured attempts and closes the entry."""
    letter = await make_dead_letter(sessions)
    response = await admin.post(f"/admin/queue/dead-letters/{letter}/replay")
    assert response.status_code == 200
    assert response.json() == {"matched": 1, "enqueued": 1}
    pending = await scalar(sessions, "SELECT max_attempts FROM tds.tds_sync_queue WHERE status = 'pending'")
    assert pending == MAX_ATTEMPTS
    listing = (await admin.get("/admin/queue/dead-letters")).json()
    assert listing["dead_letters"] == []
    everything = (await admin.get("/admin/queue/dead-letters", params={"include_replayed": "true"})).json()
    assert everything["dead_letters"][0]["replayed_at"] is not None


async def test_replay_by_filter_and_by_event(admin: httpx.AsyncClient, sessions: Sessions) -> None:
    """A filter replays the failed items; an event id replays that one event."""
    await make_dead_letter(sessions, "1")
    await enqueue(sessions, [("contact", "3")])
    await execute(sessions, "UPDATE tds.tds_sync_queue SET status = 'succeeded' WHERE entity = 'contact'")
    response = await admin.post("/admin/queue/replay", json={"entity": "item", "status": "failed"})
    assert response.json() == {"matched": 1, "enqueued": 1}
    event_id = await scalar(sessions, "SELECT id FROM tds.tds_inbox_events WHERE entity = 'contact'")
    response = await admin.post(f"/admin/queue/events/{event_id}/replay")
    assert response.json() == {"matched": 1, "enqueued": 1}
    assert await scalar(sessions, "SELECT count(*) FROM tds.tds_sync_queue WHERE status = 'pending'") == 2


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "detail"),
    [
        ("POST", "/admin/queue/replay", {}, 400, "at least one"),
        ("POST", "/admin/queue/replay", {"entity": "spaceship"}, 400, "unknown entity"),
        ("POST", "/admin/queue/replay", {"entitiy": "item"}, 422, "entitiy"),
        ("POST", "/admin/queue/replay", {"status": "exploded"}, 422, "status"),
        ("POST", "/admin/queue/replay", {"since": "2026-01-01T00:00:00"}, 422, "timezone"),
        (
            "POST",
            "/admin/queue/replay",
            {"since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"},
            400,
            "earlier than",
        ),
        ("POST", "/admin/queue/replay", None, 422, "body"),
        ("POST", "/admin/queue/dead-letters/999/replay", None, 404, "no dead letter 999"),
        ("GET", "/admin/queue/dead-letters/999", None, 404, "no dead letter 999"),
        ("GET", "/admin/queue/dead-letters/abc", None, 422, "dead_letter_id"),
        ("GET", "/admin/queue/dead-letters/99999999999999999999", None, 422, "dead_letter_id"),
        ("POST", "/admin/queue/events/999/replay", None, 404, "no replayable inbox event 999"),
        ("GET", "/admin/queue/dead-letters?limit=0", None, 422, "limit"),
        ("GET", "/admin/queue/dead-letters?entity=spaceship", None, 400, "unknown entity"),
    ],
)
async def test_bad_requests_get_a_clear_4xx(
    admin: httpx.AsyncClient, method: str, path: str, body: object, status: int, detail: str
) -> None:
    """Invalid input answers 400, 404 or 422 with a message naming the problem, never 500."""
    response = await admin.request(method, path, json=body)
    assert response.status_code == status, response.text
    assert detail in response.text
