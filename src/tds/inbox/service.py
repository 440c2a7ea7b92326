"""The inbox service: one path into the inbox and the queue for webhooks and pulled records alike."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from tds.errors import InvalidPayload, TdsError
from tds.inbox.records import AcceptResult, IncomingRecord, Keys, keys_for, rejected_keys
from tds.inbox.repository import InboxRepository, InboxRow, RejectedRow

DEFAULT_BATCH_SIZE = 1000
_NUL_ESCAPE = "\\u0000"


Session = AsyncSession | AsyncConnection


@dataclass(frozen=True)
class PreparedRecord:
    """A record with its keys computed and checked storable: it can no longer fail as bad input."""

    record: IncomingRecord
    keys: Keys


class InboxService:
    """Accepts records into the inbox and queues the new ones, in the caller's transaction.

    Built once per process (it holds only configuration); every call takes the session or
    connection of the entrypoint that owns the transaction, and nothing here commits.
    """

    def __init__(self, *, max_attempts: int, batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        self._max_attempts = max_attempts
        self._batch_size = batch_size

    async def accept(self, session: Session, record: IncomingRecord) -> AcceptResult:
        """Stores one record and queues it, unless its idempotency key is already in the inbox."""
        (result,) = await self.accept_many(session, [record])
        return result

    async def accept_many(self, session: Session, records: Sequence[IncomingRecord]) -> list[AcceptResult]:
        """Like accept, for many records: one statement per batch, results in input order.

        A record repeated within the call is accepted once; its later copies are duplicates.
        Raises InvalidPayload (before any write) when a record cannot be stored.
        """
        return await self.accept_prepared(session, [self.prepare(record) for record in records])

    def prepare(self, record: IncomingRecord) -> PreparedRecord:
        """Computes the record's keys and checks PostgreSQL can store it (InvalidPayload if not)."""
        keys = keys_for(record)
        if _NUL_ESCAPE in keys.canonical_json and _has_nul(record.payload):
            raise InvalidPayload(
                f"the {record.entity} record {record.entity_id} contains a NUL character, "
                "which PostgreSQL cannot store",
                entity=record.entity,
            )
        return PreparedRecord(record, keys)

    async def accept_prepared(
        self, session: Session, prepared: Sequence[PreparedRecord]
    ) -> list[AcceptResult]:
        """accept_many for records already through prepare (the webhook batcher's path)."""
        unique: dict[str, InboxRow] = {}
        for item in prepared:
            unique.setdefault(item.keys.idempotency_key, _row(item))
        repository = InboxRepository(session)
        stored: dict[str, tuple[int, bool]] = {}
        rows = list(unique.values())
        for start in range(0, len(rows), self._batch_size):
            stored.update(await self._store(repository, rows[start : start + self._batch_size]))
        return _results(prepared, stored)

    async def reject(
        self,
        session: Session,
        *,
        source: str,
        path_entity: str,
        entity: str | None,
        raw_body: bytes,
        headers: dict[str, str],
        error: str,
    ) -> int | None:
        """Keeps a verified but unusable body (status rejected, no queue row); None if already kept."""
        content_hash, key = rejected_keys(path_entity, raw_body)
        row = RejectedRow(source, entity, key, content_hash, storable_text(raw_body), headers, error)
        return await InboxRepository(session).insert_rejected(row)

    async def _store(self, repository: InboxRepository, rows: list[InboxRow]) -> dict[str, tuple[int, bool]]:
        stored = await repository.insert_and_enqueue(rows, self._max_attempts)
        missing = [row.idempotency_key for row in rows if row.idempotency_key not in stored]
        if missing:
            # Inserted by a concurrent transaction that committed while this statement waited on
            # the unique index; a new statement's snapshot sees those rows.
            found = await repository.ids_for_keys(missing)
            stored.update({key: (event_id, False) for key, event_id in found.items()})
        if len(stored) < len(rows):
            raise TdsError("an inbox row vanished while its duplicate was being stored; retry")
        return stored


def storable_text(raw_body: bytes) -> str:
    """The body as text PostgreSQL can hold: invalid UTF-8 and NUL characters become U+FFFD."""
    return raw_body.decode("utf-8", "replace").replace("\x00", "\ufffd")


def _has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def _row(item: PreparedRecord) -> InboxRow:
    record, keys = item.record, item.keys
    return InboxRow(
        source=record.source,
        entity=record.entity,
        entity_id=record.entity_id,
        action=record.action,
        idempotency_key=keys.idempotency_key,
        content_hash=keys.content_hash,
        payload_json=keys.canonical_json,
        raw_body=None if record.raw_body is None else record.raw_body.replace("\x00", "\ufffd"),
        headers=record.headers,
        source_modified_at=record.source_modified_at,
    )


def _results(prepared: Iterable[PreparedRecord], stored: dict[str, tuple[int, bool]]) -> list[AcceptResult]:
    results: list[AcceptResult] = []
    seen: set[str] = set()
    for item in prepared:
        key = item.keys.idempotency_key
        event_id, is_new = stored[key]
        status: Literal["accepted", "duplicate"] = "accepted" if is_new and key not in seen else "duplicate"
        seen.add(key)
        results.append(AcceptResult(event_id, status, key))
    return results
