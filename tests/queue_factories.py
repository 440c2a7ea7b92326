"""Test factories for queue work: inbox events with their queue jobs, as intake would write them."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

# One inbox row and its pending job per (entity, entity_id) pair, in the given order.
_ENQUEUE_SQL = text("""
WITH events AS (
    INSERT INTO tds.tds_inbox_events (source, entity, entity_id, action, idempotency_key, content_hash,
                                      payload, received_at, status)
    SELECT 'webhook', e.entity, e.entity_id, :action, e.key, 'hash', CAST(:payload AS jsonb),
           COALESCE(CAST(:received_at AS timestamptz), now()), :status
    FROM unnest(CAST(:entities AS text[]), CAST(:entity_ids AS text[]), CAST(:keys AS text[]))
         WITH ORDINALITY AS e(entity, entity_id, key, n)
    ORDER BY e.n
    RETURNING id, entity, entity_id
), jobs AS (
    INSERT INTO tds.tds_sync_queue (inbox_event_id, entity, entity_key, max_attempts)
    SELECT id, entity, entity || ':' || entity_id, :max_attempts FROM events ORDER BY id
    RETURNING id, inbox_event_id
)
SELECT id, inbox_event_id FROM jobs ORDER BY id
""")


async def enqueue(
    sessions: async_sessionmaker[AsyncSession],
    records: Sequence[tuple[str, str]],
    *,
    action: str = "upsert",
    payload: dict[str, Any] | None = None,
    max_attempts: int = 4,
    received_at: datetime | None = None,
    inbox_status: str = "received",
) -> list[int]:
    """Inserts an inbox event and a pending job per (entity, entity_id); returns the job ids in order."""
    params = {
        "entities": [entity for entity, _ in records],
        "entity_ids": [entity_id for _, entity_id in records],
        "keys": [uuid.uuid4().hex for _ in records],
        "action": action,
        "payload": json.dumps(payload if payload is not None else {"name": "thing"}),
        "max_attempts": max_attempts,
        "received_at": received_at,
        "status": inbox_status,
    }
    async with sessions() as session, session.begin():
        rows = await session.execute(_ENQUEUE_SQL, params)
        return [row[0] for row in rows]


async def jobs_by_id(sessions: async_sessionmaker[AsyncSession], job_ids: Sequence[int]) -> dict[int, Any]:
    """The queue rows (as mappings) for the given ids."""
    async with sessions() as session:
        rows = await session.execute(
            text("SELECT * FROM tds.tds_sync_queue WHERE id = ANY(CAST(:ids AS bigint[]))"),
            {"ids": list(job_ids)},
        )
        return {row["id"]: row for row in rows.mappings()}


async def scalar(sessions: async_sessionmaker[AsyncSession], sql: str, **params: Any) -> Any:
    async with sessions() as session:
        return await session.scalar(text(sql), params)


async def execute(sessions: async_sessionmaker[AsyncSession], sql: str, **params: Any) -> None:
    async with sessions() as session, session.begin():
        await session.execute(text(sql), params)
