"""The version rules of applying a mapped record to its stored row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tds.entities.handler import Outcome
from tds.entities.mapping import content_hash, map_record
from tds.entities.mapping.record import MappedRecord
from tds.entities.versioning import child_changes, decide_delete, decide_upsert, settle
from tests import zoho_samples as z

V0 = datetime(2026, 1, 6, 5, tzinfo=UTC)
LINES = ("invoice_lines",)


def _stored(record: MappedRecord, **changes) -> dict:
    row = dict(record.row)
    children = {name: record.children.get(name) for name in LINES}
    row.update(content_hash=content_hash(row, children), is_deleted=False, deleted_at=None)
    row.update(changes)
    return row


def _invoice(**overrides) -> MappedRecord:
    return map_record("invoice", z.detail("invoice", **overrides))


class TestUpsert:
    def test_unknown_record_is_inserted(self):
        decision = decide_upsert(_invoice(), None, V0, LINES)
        assert decision.outcome is Outcome.INSERTED
        assert decision.row["total"] is not None

    def test_same_content_is_unchanged(self):
        record = _invoice()
        assert decide_upsert(record, _stored(record), V0, LINES).outcome is Outcome.UNCHANGED

    def test_older_version_is_stale(self):
        record = _invoice()
        stored = _stored(record, source_modified_at=V0 + timedelta(seconds=1), content_hash="other")
        decision = decide_upsert(record, stored, V0, LINES)
        assert decision.outcome is Outcome.STALE
        assert "older" in decision.reason

    def test_newer_version_updates_and_names_changed_columns(self):
        old = _invoice()
        new = _invoice(status="paid", last_modified_time=z.T1)
        decision = decide_upsert(new, _stored(old), new.version, LINES)
        assert decision.outcome is Outcome.UPDATED
        assert decision.changed == ["source_modified_at", "status"]

    def test_same_version_different_content_updates(self):
        """Zoho's versions have one-second resolution: equal version, new content still applies."""
        old = _invoice()
        decision = decide_upsert(_invoice(status="paid"), _stored(old), V0, LINES)
        assert decision.outcome is Outcome.UPDATED

    def test_deleted_row_stays_deleted_for_versions_not_newer(self):
        record = _invoice()
        stored = _stored(record, is_deleted=True)
        assert decide_upsert(record, stored, V0, LINES).outcome is Outcome.STALE
        assert decide_upsert(record, stored, None, LINES).outcome is Outcome.STALE

    def test_newer_version_revives_a_deleted_row(self):
        record = _invoice(last_modified_time=z.T1)
        decision = decide_upsert(record, _stored(_invoice(), is_deleted=True), record.version, LINES)
        assert decision.outcome is Outcome.UPDATED
        assert "is_deleted" in decision.changed

    def test_absent_columns_keep_their_stored_values(self):
        """A list row (no notes, no lines) changes nothing it does not carry."""
        stored = _stored(_invoice())
        list_row = map_record("invoice", z.factory(z.INVOICE_LIST_ROW)())
        decision = decide_upsert(list_row, stored, V0, LINES)
        assert decision.outcome is Outcome.UPDATED  # the hash differs: the lines are unknown...
        assert decision.row["notes"] == stored["notes"]
        assert decision.changed == []
        assert settle(decision, []).outcome is Outcome.UNCHANGED  # ...but nothing changed

    def test_event_version_stands_in_when_the_record_has_none(self):
        record = map_record("pricebook", z.detail("pricebook"))
        decision = decide_upsert(record, None, V0, ("price_list_items",))
        assert decision.row["source_modified_at"] == V0


class TestDelete:
    def test_unknown_record_is_inserted_deleted(self):
        decision = decide_delete(map_record("invoice", {}, "9"), None, V0)
        assert decision.outcome is Outcome.DELETED
        assert decision.row["source_modified_at"] == V0

    def test_delete_keeps_the_stored_values_and_the_newest_version(self):
        record = _invoice()
        stored = _stored(record)
        decision = decide_delete(map_record("invoice", {}, record.zoho_id), stored, V0 + timedelta(hours=1))
        assert decision.outcome is Outcome.DELETED
        assert decision.row["total"] == stored["total"]
        assert decision.row["source_modified_at"] == V0 + timedelta(hours=1)
        assert decision.changed == ["is_deleted", "source_modified_at"]

    def test_delete_older_than_stored_is_stale(self):
        stored = _stored(_invoice())
        decision = decide_delete(_invoice(), stored, V0 - timedelta(seconds=1))
        assert decision.outcome is Outcome.STALE

    def test_second_delete_is_unchanged(self):
        stored = _stored(_invoice(), is_deleted=True)
        assert decide_delete(_invoice(), stored, V0).outcome is Outcome.UNCHANGED


class TestChildren:
    def test_child_rows_compare_by_value_not_scale(self):
        lines = _invoice().children["invoice_lines"]
        stored = [dict(line, quantity=line["quantity"].normalize()) for line in lines]  # 2 vs 2.000000
        assert not child_changes(lines, stored, frozenset())
        assert child_changes(lines, stored[:1], frozenset())
        assert child_changes(lines, [dict(stored[0], rate=1), stored[1]], frozenset())
        assert not child_changes(lines, [dict(stored[0], rate=1), stored[1]], frozenset({"rate"}))
