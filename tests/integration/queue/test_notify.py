"""The queue's NOTIFY: sent when work becomes pending, silent for claims and completions."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tds.db.engine import plain_dsn
from tds.queue.jobs import Completion, Reschedule
from tds.queue.repository import QueueRepository
from tds.worker.listener import QUEUE_CHANNEL
from tests.queue_factories import enqueue

Sessions = async_sessionmaker[AsyncSession]


class Inbox:
    """Notifications received on the queue channel since the last look."""

    def __init__(self) -> None:
        self.received: list[str] = []

    async def take(self) -> int:
        await asyncio.sleep(0.15)  # notifications arrive right after the commit; give them a moment
        count, self.received = len(self.received), []
        return count


@pytest.fixture
async def notes(db_url: str) -> AsyncIterator[Inbox]:
    inbox = Inbox()
    conn = await asyncpg.connect(plain_dsn(db_url))
    await conn.add_listener(QUEUE_CHANNEL, lambda *args: inbox.received.append(args[-1]))
    yield inbox
    await conn.close()


async def test_only_statements_leaving_work_pending_notify(sessions: Sessions, notes: Inbox) -> None:
    """Enqueue and reschedule notify; a claim, an empty claim and a completion stay silent."""
    a, b = await enqueue(sessions, [("item", "1"), ("item", "2")])
    assert await notes.take() == 1  # one per statement, not per row

    async with sessions() as session, session.begin():
        await QueueRepository(session).claim("w1", 10, 30)
    async with sessions() as session, session.begin():
        await QueueRepository(session).claim("w1", 10, 30)  # finds nothing
    async with sessions() as session, session.begin():
        await QueueRepository(session).complete("w1", [Completion(a, "succeeded")])
    assert await notes.take() == 0

    async with sessions() as session, session.begin():
        await QueueRepository(session).reschedule("w1", [Reschedule(b, 0.0, "boom")])
    assert await notes.take() == 1
