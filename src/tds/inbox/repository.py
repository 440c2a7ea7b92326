"""SQL of the inbox: insert-and-enqueue in one statement, duplicate look-up, rejected bodies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import orjson
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from tds.db.schema import tds_text
from tds.inbox.models import InboxStatus

# Inserts a batch of inbox rows (skipping known idempotency keys) and queues each new one, in order.
# Rows of a concurrent transaction that committed after this statement began are not in its snapshot:
# the caller looks those keys up again with SELECT_IDS_BY_KEY.
INSERT_AND_ENQUEUE = tds_text("""
WITH incoming AS (
    SELECT * FROM unnest(
        CAST(:sources AS text[]), CAST(:entities AS text[]), CAST(:entity_ids AS text[]),
        CAST(:actions AS text[]), CAST(:keys AS text[]), CAST(:hashes AS text[]),
        CAST(:payloads AS text[]), CAST(:raw_bodies AS text[]), CAST(:headers AS text[]),
        CAST(:modified AS timestamptz[])
    ) WITH ORDINALITY AS t(source, entity, entity_id, action, idempotency_key, content_hash,
                          payload, raw_body, headers, source_modified_at, ord)
),
inserted AS (
    INSERT INTO tds.tds_inbox_events (source, entity, entity_id, action, idempotency_key, content_hash,
                                  payload, raw_body, headers, source_modified_at)
    SELECT source, entity, entity_id, action, idempotency_key, content_hash,
           CAST(payload AS jsonb), raw_body, CAST(headers AS jsonb), source_modified_at
    FROM incoming ORDER BY ord
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id, entity, entity_id, idempotency_key
),
queued AS (
    INSERT INTO tds.tds_sync_queue (inbox_event_id, entity, entity_key, max_attempts)
    SELECT id, entity, entity || ':' || entity_id, :max_attempts FROM inserted ORDER BY id
)
SELECT id, idempotency_key, true AS is_new FROM inserted
UNION ALL
SELECT e.id, e.idempotency_key, false FROM tds.tds_inbox_events AS e
WHERE e.idempotency_key = ANY(CAST(:keys AS text[]))
""")

# The inbox ids of idempotency keys (duplicates that a concurrent transaction inserted).
SELECT_IDS_BY_KEY = tds_text("""
SELECT id, idempotency_key FROM tds.tds_inbox_events WHERE idempotency_key = ANY(CAST(:keys AS text[]))
""")

# Keeps a verified but unusable delivery for triage: status rejected, the error, and no queue row.
INSERT_REJECTED = tds_text("""
INSERT INTO tds.tds_inbox_events (source, entity, idempotency_key, content_hash, raw_body, headers,
                              status, error)
VALUES (:source, :entity, :key, :content_hash, :raw_body, CAST(:headers AS jsonb), :status, :error)
ON CONFLICT (idempotency_key) DO NOTHING
RETURNING id
""")


@dataclass(frozen=True)
class InboxRow:
    """The column values of one inbox row to insert (payload and headers as JSON text)."""

    source: str
    entity: str
    entity_id: str
    action: str
    idempotency_key: str
    content_hash: str
    payload_json: str
    raw_body: str | None
    headers: dict[str, str]
    source_modified_at: datetime | None


@dataclass(frozen=True)
class RejectedRow:
    """A delivery that passed verification but could not be used."""

    source: str
    entity: str | None
    idempotency_key: str
    content_hash: str
    raw_body: str
    headers: dict[str, str]
    error: str


class InboxRepository:
    """Inbox SQL over the caller's session or connection; the caller owns the transaction."""

    def __init__(self, session: AsyncSession | AsyncConnection) -> None:
        self.session = session

    async def insert_and_enqueue(
        self, rows: Sequence[InboxRow], max_attempts: int
    ) -> dict[str, tuple[int, bool]]:
        """Maps each key to (inbox id, created now); keys a racing transaction inserted are absent."""
        params = {
            "sources": [r.source for r in rows],
            "entities": [r.entity for r in rows],
            "entity_ids": [r.entity_id for r in rows],
            "actions": [r.action for r in rows],
            "keys": [r.idempotency_key for r in rows],
            "hashes": [r.content_hash for r in rows],
            "payloads": [r.payload_json for r in rows],
            "raw_bodies": [r.raw_body for r in rows],
            "headers": [orjson.dumps(r.headers).decode() for r in rows],
            "modified": [r.source_modified_at for r in rows],
            "max_attempts": max_attempts,
        }
        result = await self.session.execute(INSERT_AND_ENQUEUE, params)
        found: dict[str, tuple[int, bool]] = {}
        for event_id, key, is_new in result:
            if is_new or key not in found:
                found[key] = (event_id, is_new)
        return found

    async def ids_for_keys(self, keys: Sequence[str]) -> dict[str, int]:
        result = await self.session.execute(SELECT_IDS_BY_KEY, {"keys": list(keys)})
        return {key: event_id for event_id, key in result}

    async def insert_rejected(self, row: RejectedRow) -> int | None:
        """The new row's id, or None when the same rejected body is already kept."""
        result = await self.session.execute(
            INSERT_REJECTED,
            {
                "source": row.source,
                "entity": row.entity,
                "key": row.idempotency_key,
                "content_hash": row.content_hash,
                "raw_body": row.raw_body,
                "headers": orjson.dumps(row.headers).decode(),
                "status": InboxStatus.REJECTED.value,
                "error": row.error,
            },
        )
        event_id: int | None = result.scalar_one_or_none()
        return event_id
