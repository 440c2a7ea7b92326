"""The version-aware rules of applying one mapped record to its stored row (pure; no I/O).

Versions are Zoho's `last_modified_time`. An upsert older than the stored row is STALE; an upsert no
newer than a deletion leaves the row deleted; a delete older than the stored row is STALE; equal
content (same hash, or no column and no child row different) is UNCHANGED. Whatever is written
carries its version, so the SQL `WHERE` guard can re-check the same rule under a race.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tds.entities.handler import Outcome
from tds.entities.mapping import MappedRecord, Row, content_hash

Stored = Mapping[str, Any]  # the stored header row: logical columns + content_hash, is_deleted, ...


@dataclass(slots=True)
class Decision:
    """What to do with one event. `row` is the header to write (None: write nothing)."""

    outcome: Outcome
    row: Row | None = None
    content_hash: str | None = None
    changed: list[str] = field(default_factory=list)
    reason: str = ""

    @property
    def writes(self) -> bool:
        return self.row is not None


def _older(version: datetime | None, stored_version: datetime | None) -> bool:
    return version is not None and stored_version is not None and version < stored_version


def decide_upsert(
    record: MappedRecord,
    stored: Stored | None,
    version: datetime | None,
    child_tables: Sequence[str],
    verify: bool = False,
) -> Decision:
    """Upsert rules: stale, stays-deleted, unchanged by hash, else insert or update (header level).

    `version` is the record's own version or, failing that, its event's. Columns the record did not
    carry keep their stored values. An UPDATED decision may still turn UNCHANGED once the child rows
    are compared (see `settle`). `verify` (a reconciliation repair) skips the content-hash shortcut,
    so that columns edited in the ERP behind the sync's back are compared and written back.
    """
    row = dict(record.row)
    if version is not None:
        row["source_modified_at"] = version
    if stored is None:
        children = {name: record.children.get(name) for name in child_tables}
        return Decision(Outcome.INSERTED, row, content_hash(row, children), list(row))
    stored_version = stored["source_modified_at"]
    if stored["is_deleted"]:
        if version is None or stored_version is None or version <= stored_version:
            return Decision(Outcome.STALE, reason=f"deleted at version {stored_version}, incoming {version}")
    elif _older(version, stored_version):
        return Decision(Outcome.STALE, reason=f"incoming {version} older than stored {stored_version}")
    for column in record.absent:
        if column != "source_modified_at" or version is None:
            row[column] = stored.get(column)
    children = {name: record.children.get(name) for name in child_tables}
    digest = content_hash(row, children)
    if digest == stored["content_hash"] and not stored["is_deleted"] and not verify:
        return Decision(Outcome.UNCHANGED)
    changed = [column for column, value in row.items() if value != stored.get(column)]
    if stored["is_deleted"]:
        changed.append("is_deleted")
    return Decision(Outcome.UPDATED, row, digest, changed)


def decide_delete(record: MappedRecord, stored: Stored | None, version: datetime) -> Decision:
    """Delete rules: a soft delete at `version`, unless the stored row is newer or already deleted.

    A record the ERP never saw is inserted as deleted, so that a late create cannot bring it back.
    """
    if stored is None:
        row = dict(record.row)
        row["source_modified_at"] = version
        return Decision(Outcome.DELETED, row, content_hash(row, {}), ["is_deleted"])
    stored_version = stored["source_modified_at"]
    if stored["is_deleted"]:
        return Decision(Outcome.UNCHANGED, reason="already deleted")
    if _older(version, stored_version):
        return Decision(Outcome.STALE, reason=f"delete at {version} older than stored {stored_version}")
    newest = version if stored_version is None else max(version, stored_version)
    # The stored values, not NULLs: PostgreSQL checks NOT NULL on the proposed row of an
    # INSERT .. ON CONFLICT before it finds the conflict, and the audit's `after` wants them too.
    row = {column: stored.get(column) for column in record.row}
    row["source_modified_at"] = newest
    changed = ["is_deleted"] + (["source_modified_at"] if newest != stored_version else [])
    return Decision(Outcome.DELETED, row, stored["content_hash"], changed)


def child_changes(new: Sequence[Row], stored: Sequence[Row], ignore: frozenset[str]) -> bool:
    """Whether the child rows differ from the stored ones, column by column, in order."""
    if len(new) != len(stored):
        return True
    for new_row, old_row in zip(new, stored, strict=True):
        for column, value in new_row.items():
            if column not in ignore and value != old_row.get(column):
                return True
    return False


def settle(decision: Decision, changed_children: Sequence[str]) -> Decision:
    """Final word on an UPDATED decision once its child rows were compared with the stored ones.

    The hash differs whenever the record is partial (a list row without its lines), so an update
    that changes no column and no child row is UNCHANGED: nothing is written.
    """
    if decision.outcome is not Outcome.UPDATED:
        return decision
    decision.changed.extend(changed_children)
    if not decision.changed:
        return Decision(Outcome.UNCHANGED, reason="no column changed")
    return decision
