"""A `sync: tds` record's stored state (`tds_erp_versions`) read back, and the fingerprints its input
hash is made of: pure helpers of the profiled handler, reconciliation and `tds erp plan`."""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Date, DateTime, Integer, Numeric

from tds.entities.mapping import Row
from tds.entities.naming import LOGICAL_TABLES


def _mapping_fingerprint() -> str:
    """A digest of the code that maps payloads to rows (its modules' source): a release that maps a
    payload differently makes every stored input hash stale, so that its records are compared
    again instead of being skipped as unchanged."""
    names = sorted(n for n in sys.modules if n.startswith("tds.entities.mapping"))
    names += ["tds.entities.catalog", "tds.inbox.timeparse"]
    files = [getattr(sys.modules.get(name), "__file__", None) for name in names]
    sources = [Path(file).read_bytes() for file in files if file is not None]
    return hashlib.sha256(b"".join(sources)).hexdigest()


MAPPING_FINGERPRINT = _mapping_fingerprint()


def _reviver(type_: Any) -> Any:
    if isinstance(type_, Numeric) and not isinstance(type_, Integer):
        return Decimal
    if isinstance(type_, DateTime):
        return datetime.fromisoformat
    if isinstance(type_, Date):
        return date.fromisoformat
    return None


_REVIVERS = {
    name: {c.name: f for c in table.columns if (f := _reviver(c.type)) is not None}
    for name, table in LOGICAL_TABLES.items()
}


def revive(table: str, row: Mapping[str, Any]) -> Row:
    """A mapped row back from its JSON copy: numbers, dates and timestamps as the mapping makes them."""
    revivers = _REVIVERS.get(table, {})
    return {k: (revivers[k](v) if v is not None and k in revivers else v) for k, v in row.items()}


def stored_state(state: Row | None) -> tuple[Row | None, dict[str, list[Row]], str | None]:
    """A sync state's stored row as versioning.py reads it, its stored child rows, and its logical
    table (from `tds_erp_versions`: version, content hash, deleted flag and `doc`)."""
    if state is None:
        return None, {}, None
    doc = state["doc"] or {}
    table = doc.get("table")
    row = revive(table, doc.get("row") or {}) if table else {}
    row.update(content_hash=state["content_hash"], is_deleted=state["is_deleted"])
    row["source_modified_at"] = state["source_modified_at"]
    children = {name: [revive(name, r) for r in rows] for name, rows in (doc.get("children") or {}).items()}
    return row, children, table


def raw_line(raw: Mapping[str, Any], line: Row) -> Mapping[str, Any]:
    """The Zoho entry a document line was mapped from (`zoho.<field>` in a line reads it)."""
    entries = raw.get("line_items")
    number = line.get("line_no")
    if isinstance(entries, list) and isinstance(number, int) and 0 < number <= len(entries):
        entry = entries[number - 1]
        return entry if isinstance(entry, Mapping) else {}
    return {}


def unchanged_input(state: Row | None, input_hash: str | None) -> bool:
    """Whether a record came exactly as it was last applied (its input hash, which holds its
    version, is the stored one): then versioning.py would find it UNCHANGED too; told without the
    stored document, which the state read leaves out for such a record."""
    if state is None or state["is_deleted"] or input_hash is None:
        return False
    return bool(input_hash == state["input_hash"])
