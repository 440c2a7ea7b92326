"""Record-by-record comparison of Zoho list rows with the stored ERP records (pure; no I/O).

Three kinds of difference come out: **missing** (listed by Zoho, not live in the ERP), **deleted**
(live in the ERP, no longer listed by Zoho) and **drift** (in both, different content). Drift is
found two ways without a single detail call:

- Zoho side: the list row's `last_modified_time` is not the stored version (Zoho changed and the
  change never arrived), or, for entities without versions, a list-row field differs.
- ERP side: the stored `raw` (the Zoho record as last applied) is, at the stored version, what Zoho
  holds; mapped again, it must give the stored columns and child rows. Whatever does not was
  changed in the ERP behind the sync's back.

Each side is fingerprinted (the content hash of the mapped fields compared); only records whose
fingerprints differ are compared field by field, to name the fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from tds.entities.catalog import EntitySpec
from tds.entities.handlers import ChildSpec
from tds.entities.mapping import MappedRecord, Row, content_hash, map_record
from tds.errors import PermanentHandlerError

Kind = Literal["missing", "deleted", "drift", "invalid"]
KINDS: tuple[Kind, ...] = ("missing", "deleted", "drift", "invalid")
# Bookkeeping, not content: a child row's copy of its record's version, a line's own key.
_CHILD_IGNORED = frozenset({"source_modified_at", "id"})
_VERSION = "source_modified_at"


@dataclass(frozen=True)
class StoredRecord:
    """One ERP record as stored: logical header columns, `raw`, and its child rows by table."""

    zoho_id: str
    table: str
    row: Row
    raw: Mapping[str, Any] | None
    children: dict[str, list[Row]] = field(default_factory=dict)
    gone_from: str | None = None  # the ERP table its row was removed from, behind the sync's back

    @property
    def is_deleted(self) -> bool:
        return bool(self.row.get("is_deleted"))


@dataclass(frozen=True)
class Difference:
    """One record that differs. `origin` says which side changed: zoho, erp, or both unknown."""

    entity: str
    zoho_id: str
    kind: Kind
    fields: tuple[str, ...] = ()
    detail: Mapping[str, Any] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        return str(self.detail.get("origin", ""))


def compare(
    spec: EntitySpec,
    listed: Mapping[str, Mapping[str, Any]],
    stored: Mapping[str, StoredRecord],
    children: Sequence[ChildSpec] = (),
) -> list[Difference]:
    """The differences between Zoho's list rows (by id) and the stored records (by id), by id order."""
    live = {zoho_id for zoho_id, record in stored.items() if not record.is_deleted}
    found: list[Difference] = []
    for zoho_id in sorted(set(listed) | live):
        if zoho_id not in live:
            record = stored.get(zoho_id)
            state = "absent" if record is None else "deleted in the ERP"
            if record is not None and record.gone_from:
                state = f"no row in {record.gone_from}"
            found.append(Difference(spec.name, zoho_id, "missing", detail={"erp": state}))
        elif zoho_id not in listed:
            found.append(Difference(spec.name, zoho_id, "deleted", detail={"zoho": "not listed"}))
        else:
            drift = record_drift(spec, listed[zoho_id], stored[zoho_id], children)
            if drift is not None:
                found.append(drift)
    return found


def record_drift(
    spec: EntitySpec, list_row: Mapping[str, Any], record: StoredRecord, children: Sequence[ChildSpec]
) -> Difference | None:
    """Drift of one record present on both sides, or None when it matches."""
    zoho = _mapped(spec, list_row)
    stored_version = record.row.get(_VERSION)
    if spec.has_last_modified and zoho is not None and zoho.version != stored_version:
        fields = (*differing(zoho, record, ()), _VERSION)
        detail = {"origin": "zoho", "zoho_version": _iso(zoho.version), "erp_version": _iso(stored_version)}
        return Difference(spec.name, record.zoho_id, "drift", tuple(dict.fromkeys(fields)), detail)
    fields = () if spec.has_last_modified or zoho is None else differing(zoho, record, ())
    if fields:
        return Difference(spec.name, record.zoho_id, "drift", fields, {"origin": "zoho"})
    applied = _mapped(spec, record.raw) if record.raw else None
    if applied is None or (spec.has_last_modified and applied.version != stored_version):
        return None  # nothing trustworthy to check the stored columns against
    fields = differing(applied, record, children)
    if fields:
        return Difference(spec.name, record.zoho_id, "drift", fields, {"origin": "erp"})
    return None


def differing(expected: MappedRecord, record: StoredRecord, children: Sequence[ChildSpec]) -> tuple[str, ...]:
    """The columns and child tables of `record` that `expected` (carried fields only) disagrees with."""
    columns = [c for c in expected.row if c not in expected.absent and c != _VERSION]
    pairs = {c: (expected.row[c], record.row.get(c)) for c in columns}
    for child in children:
        if child.table in expected.children:
            pairs[child.table] = _child_pair(child, expected.children[child.table], record)
    if fingerprint(v for v, _ in pairs.values()) == fingerprint(s for _, s in pairs.values()):
        return ()
    return tuple(
        name for name, (new, old) in pairs.items() if new != old and _canonical(new) != _canonical(old)
    )


def fingerprint(values: Iterable[object]) -> str:
    """The per-record fingerprint: sha256 of the canonical JSON of the compared values, in order."""
    return content_hash({"values": list(values)}, {})


def _child_pair(child: ChildSpec, new: list[Row], record: StoredRecord) -> tuple[object, object]:
    old = record.children.get(child.table, [])
    if not child.replace:  # per-key upserts leave other keys alone: compare like with like
        keys = {tuple(row[k] for k in child.keys) for row in new}
        old = [row for row in old if tuple(row[k] for k in child.keys) in keys]
    return _content(new), _content(old)


def _content(rows: Sequence[Row]) -> list[Row]:
    return [{k: v for k, v in row.items() if k not in _CHILD_IGNORED} for row in rows]


def _canonical(value: object) -> str:
    return content_hash({"value": value}, {})


def _mapped(spec: EntitySpec, payload: Mapping[str, Any] | None) -> MappedRecord | None:
    if payload is None:
        return None
    try:
        return map_record(spec.name, payload)
    except PermanentHandlerError:
        return None  # a record the handlers refuse is reported by the queue, not here


def _iso(value: object) -> str | None:
    return None if value is None else str(value)
