"""The organisation's API budget: 429 after the per-minute, daily and concurrency limits."""

from __future__ import annotations

import asyncio

import httpx

from tds.emulator.service import Emulator
from tests.integration.emulator.conftest import Books

TOO_MANY = {"code": 44, "message": "You have made too many requests. Please try again after some time."}


async def set_limits(client: httpx.AsyncClient, **limits: object) -> None:
    reply = await client.put("/__emulator__/limits", json=limits)
    assert reply.status_code == 200


async def test_every_answer_carries_the_daily_quota_headers(books: Books) -> None:
    """X-Rate-Limit-Limit/-Remaining/-Reset describe the daily allowance."""
    first = await books.get("/users")
    second = await books.get("/users")
    assert first.headers["X-Rate-Limit-Limit"] == "10000"
    assert int(first.headers["X-Rate-Limit-Remaining"]) == int(second.headers["X-Rate-Limit-Remaining"]) + 1
    assert 0 < int(first.headers["X-Rate-Limit-Reset"]) <= 86_400


async def test_429_after_the_per_minute_limit_without_retry_after(
    books: Books, client: httpx.AsyncClient
) -> None:
    """The 6th call in a minute with a limit of 5 answers 429 code 44; no Retry-After by default."""
    await set_limits(client, per_minute_limit=5)
    statuses = [(await books.get("/users")).status_code for _ in range(5)]
    refused = await books.get("/users")
    assert statuses == [200] * 5
    assert refused.status_code == 429
    assert refused.json() == TOO_MANY
    assert "Retry-After" not in refused.headers
    assert "X-Rate-Limit-Remaining" in refused.headers


async def test_retry_after_is_sent_when_configured(books: Books, client: httpx.AsyncClient) -> None:
    """Retry-After is optional and off by default; when set it rides on the 429."""
    await set_limits(client, per_minute_limit=1, retry_after_s=7)
    await books.get("/users")
    refused = await books.get("/users")
    assert (refused.status_code, refused.headers["Retry-After"]) == (429, "7")


async def test_the_window_frees_after_a_minute(
    books: Books, client: httpx.AsyncClient, emulator: Emulator
) -> None:
    """Calls are allowed again once the sliding minute has passed."""
    await set_limits(client, per_minute_limit=2)
    assert [(await books.get("/users")).status_code for _ in range(3)] == [200, 200, 429]
    emulator.clock.advance(61)
    assert (await books.get("/users")).status_code == 200


async def test_zero_turns_the_per_minute_limit_off(books: Books, client: httpx.AsyncClient) -> None:
    """per_minute_limit=0 lets any number through."""
    await set_limits(client, per_minute_limit=0)
    statuses = {(await books.get("/users")).status_code for _ in range(120)}
    assert statuses == {200}


async def test_daily_limit_answers_429_with_nothing_remaining(
    books: Books, client: httpx.AsyncClient
) -> None:
    """Past the daily cap every call is refused and X-Rate-Limit-Remaining reads 0."""
    await set_limits(client, daily_limit=3, per_minute_limit=0)
    for _ in range(3):
        assert (await books.get("/users")).status_code == 200
    refused = await books.get("/users")
    assert refused.status_code == 429
    assert refused.headers["X-Rate-Limit-Remaining"] == "0"
    assert refused.headers["X-Rate-Limit-Limit"] == "3"


async def test_too_many_calls_in_flight_are_refused(books: Books, client: httpx.AsyncClient) -> None:
    """With 2 concurrent calls allowed and 0.2 s latency, the third of three parallel calls gets 429."""
    await set_limits(client, max_concurrent=2, latency_s=0.2)
    replies = await asyncio.gather(*(books.get("/users") for _ in range(3)))
    assert sorted(r.status_code for r in replies) == [200, 200, 429]


async def test_refused_calls_do_not_use_the_budget(
    books: Books, client: httpx.AsyncClient, emulator: Emulator
) -> None:
    """Only admitted calls count towards the daily total."""
    await set_limits(client, per_minute_limit=1)
    await books.get("/users")
    await books.get("/users")
    state = (await client.get("/__emulator__/state")).json()
    assert state["rate"]["daily_used"] == 1
    assert state["rate"]["refused"] == {"per_minute": 1}
