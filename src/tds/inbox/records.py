"""What enters the inbox (webhook or pulled record), its content hash and idempotency key (pure)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import orjson

from tds.entities.catalog import EntitySpec
from tds.entities.handler import Action
from tds.errors import InvalidPayload, RecordIdMissing
from tds.inbox.timeparse import parse_zoho_time

LAST_MODIFIED_FIELD = "last_modified_time"
# Zoho ids are 15-19 digits; the bound keeps queue keys well inside a btree index entry.
MAX_ID_LENGTH = 200


@dataclass(frozen=True)
class IncomingRecord:
    """One Zoho record on its way into the inbox; `payload` is the unwrapped record."""

    source: str
    entity: str
    entity_id: str
    action: Action
    payload: dict[str, Any]
    source_modified_at: datetime | None = None
    headers: dict[str, str] = field(default_factory=dict)
    raw_body: str | None = None
    # Set by reconciliation repairs: a new key, so a version the inbox already holds is queued again.
    repair_key: str | None = None

    @classmethod
    def from_record(
        cls,
        spec: EntitySpec,
        record: dict[str, Any],
        *,
        source: str,
        action: Action = "upsert",
        headers: dict[str, str] | None = None,
        raw_body: str | None = None,
    ) -> IncomingRecord:
        """Reads the id and version from a Zoho record; raises RecordIdMissing (422) without an id."""
        return cls(
            source=source,
            entity=spec.name,
            entity_id=record_id(spec, record),
            action=action,
            payload=record,
            source_modified_at=parse_zoho_time(record.get(LAST_MODIFIED_FIELD)),
            headers=headers or {},
            raw_body=raw_body,
        )


@dataclass(frozen=True)
class AcceptResult:
    """The inbox row a record landed in, and whether this call created it."""

    event_id: int
    status: Literal["accepted", "duplicate"]
    idempotency_key: str

    @property
    def is_new(self) -> bool:
        return self.status == "accepted"


@dataclass(frozen=True)
class Keys:
    """A record's canonical JSON (also what is stored), content hash and idempotency key."""

    canonical_json: str
    content_hash: str
    idempotency_key: str


def record_id(spec: EntitySpec, record: dict[str, Any]) -> str:
    """The record's id as a string (Zoho ids may arrive as numbers); RecordIdMissing otherwise."""
    value = record.get(spec.id_field)
    if isinstance(value, bool) or not isinstance(value, str | int):
        detail = "is missing" if value is None else "must be a string or an integer"
        raise RecordIdMissing(
            f"the {spec.name} record has no usable id: field {spec.id_field} {detail}",
            field=spec.id_field,
            entity=spec.name,
        )
    text = str(value).strip()
    problem = "is empty" if not text else "is too long" if len(text) > MAX_ID_LENGTH else None
    if problem is not None:
        raise RecordIdMissing(
            f"the {spec.name} record has no usable id: field {spec.id_field} {problem}",
            field=spec.id_field,
            entity=spec.name,
        )
    return text


def canonical_json(payload: object) -> bytes:
    """Sorted keys, no whitespace: the same record hashes equal however it was delivered.

    Raises InvalidPayload for values JSON cannot carry faithfully (lone surrogates, integers
    beyond 64 bits), which only records parsed by a laxer parser than ours can hold.
    """
    try:
        return orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError as exc:
        raise InvalidPayload(f"the record cannot be stored as JSON: {exc}") from exc


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def idempotency_key(entity: str, entity_id: str, action: str, last_modified: str, content_hash: str) -> str:
    """The dedup key; the source is left out so a pulled record and a webhook of one version dedupe."""
    return sha256_hex(f"{entity}|{entity_id}|{action}|{last_modified}|{content_hash}".encode())


def keys_for(record: IncomingRecord) -> Keys:
    canonical = canonical_json(record.payload)
    content_hash = sha256_hex(canonical)
    last_modified = record.payload.get(LAST_MODIFIED_FIELD)
    version = "" if last_modified is None else str(last_modified)
    key = idempotency_key(record.entity, record.entity_id, record.action, version, content_hash)
    if record.repair_key is not None:
        key = sha256_hex(f"{key}|repair|{record.repair_key}".encode())
    return Keys(canonical.decode(), content_hash, key)


def rejected_keys(path_entity: str, raw_body: bytes) -> tuple[str, str]:
    """Content hash and idempotency key of a rejected body: one row per URL entity and body."""
    content_hash = sha256_hex(raw_body)
    return content_hash, sha256_hex(f"rejected|{path_entity}|{content_hash}".encode())
