"""A mapped Zoho record (logical ERP row + child rows), the field reader that builds it, and its hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, TypeVar

import orjson

from tds.entities.mapping import values
from tds.errors import PermanentHandlerError

T = TypeVar("T")
Row = dict[str, Any]
Parser = Callable[[Any, str], T]


@dataclass(frozen=True, slots=True)
class MappedRecord:
    """One Zoho record as ERP rows, before it meets the stored version.

    Attributes:
        zoho_id: the record's id.
        table: the logical header table (`customers`), or None when the payload cannot tell
            (a contact deleted by id only); the handler then looks where the record is stored.
        row: logical header columns, including `source_modified_at` and `zoho_created_at`.
        absent: header columns the payload did not carry at all (a list row, a trimmed webhook);
            the stored values are kept for them instead of being overwritten with NULL.
        children: child rows by logical child table (`invoice_lines`); a child table missing from
            the dict was not in the payload, and the stored child rows are kept.
        raw: the Zoho record as received.
        unmapped: child tables whose part of the payload could not be mapped, with why (a stock
            entry without its location id): a handler that writes such a table refuses the record,
            naming the part; one that does not write it applies the rest.
    """

    zoho_id: str
    table: str | None
    row: Row
    absent: frozenset[str] = frozenset()
    children: dict[str, list[Row]] = field(default_factory=dict)
    raw: Mapping[str, Any] = field(default_factory=dict)
    unmapped: Mapping[str, str] = field(default_factory=dict)

    @property
    def version(self) -> datetime | None:
        """Zoho's `last_modified_time`, the record's version (None for entities that have none)."""
        modified: datetime | None = self.row.get("source_modified_at")
        return modified


class Fields:
    """Reads a Zoho record into logical columns, remembering which columns the record did not carry."""

    __slots__ = ("absent", "payload", "row")

    def __init__(self, payload: Mapping[str, Any]) -> None:
        self.payload = payload
        self.row: Row = {}
        self.absent: set[str] = set()

    def get(self, column: str, keys: str | tuple[str, ...], parse: Parser[Any]) -> None:
        """Sets `column` from the first of `keys` present in the record (None if absent)."""
        if isinstance(keys, str):
            keys = (keys,)
        for key in keys:
            if key in self.payload:
                self.row[column] = parse(self.payload[key], key)
                return
        self.row[column] = None
        self.absent.add(column)

    def put(self, column: str, value: object, *, present: bool = True) -> None:
        """Sets a column computed by the caller; `present=False` marks it as not carried."""
        self.row[column] = value
        if not present:
            self.absent.add(column)

    def has(self, *keys: str) -> bool:
        return any(key in self.payload for key in keys)

    def versions(self) -> None:
        """The sync columns every record table shares: Zoho's modified and created times."""
        self.get("source_modified_at", "last_modified_time", values.timestamp)
        self.get("zoho_created_at", "created_time", values.timestamp)

    def custom_fields(self, column: str = "custom_fields") -> None:
        """Custom fields from `custom_fields` and/or `custom_field_hash` (list rows carry both)."""
        present = self.has("custom_fields", "custom_field_hash")
        value = values.custom_fields(self.payload.get("custom_fields"), self.payload.get("custom_field_hash"))
        self.put(column, value, present=present)


def record_id(payload: Mapping[str, Any], id_fields: tuple[str, ...], fallback: str | None) -> str:
    """The record's id from the first id field present, else `fallback` (a delete's event id)."""
    for key in id_fields:
        found = values.ident(payload.get(key), key)
        if found:
            return found
    if fallback:
        return fallback
    raise PermanentHandlerError(f"the record has no {id_fields[0]}", field=id_fields[0])


def mapped(
    fields: Fields,
    zoho_id: str,
    table: str | None,
    children: dict[str, list[Row]] | None = None,
    unmapped: Mapping[str, str] | None = None,
) -> MappedRecord:
    return MappedRecord(
        zoho_id=zoho_id,
        table=table,
        row=fields.row,
        absent=frozenset(fields.absent),
        children=children or {},
        raw=fields.payload,
        unmapped=unmapped or {},
    )


def _canonical(value: object) -> object:
    # One spelling per value, whether it came from the payload or back from the database:
    # Decimal 40.6 and NUMERIC(20,6) 40.600000 are both `40.6`; timestamps are UTC instants.
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


_JSON_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME


def _dumps(value: object, sort_keys: bool = False) -> bytes:
    options = _JSON_OPTIONS | (orjson.OPT_SORT_KEYS if sort_keys else 0)
    try:
        return orjson.dumps(value, default=_canonical, option=options)
    except orjson.JSONEncodeError:
        # orjson refuses integers beyond 64 bits (a 20-digit id sent as a bare number); json does not.
        text = json.dumps(
            value, default=_canonical, sort_keys=sort_keys, ensure_ascii=False, separators=(",", ":")
        )
        return text.encode()


def content_hash(row: Mapping[str, Any], children: Mapping[str, list[Row] | None]) -> str:
    """sha256 of the canonical JSON of the mapped row and its child rows.

    Stable across key order, Decimal scale (40.6 == 40.600000) and timestamp offsets (instants).
    `source_modified_at` is part of the content on purpose: a newer version with the same fields
    must still move the stored version forward, or a late older event could overwrite it.
    A child table given as None (not carried) hashes differently from an empty one.
    """
    return hashlib.sha256(_dumps({"row": row, "children": children}, sort_keys=True)).hexdigest()


def payload_hash(payload: Mapping[str, Any], *context: object) -> str:
    """sha256 of a payload as it came (keys sorted) together with `context` (a version, say)."""
    return hashlib.sha256(_dumps([context, payload], sort_keys=True)).hexdigest()


def to_json(value: object) -> str:
    """JSON text for a JSONB value, with Decimals, dates and datetimes spelled as strings."""
    return _dumps(value).decode()
