"""Record-by-record comparison: missing, deleted, drift on either side, named by field."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from tds.entities import catalog
from tds.entities.handler import Outcome
from tds.entities.handlers import ChildSpec
from tds.entities.mapping import content_hash, map_record
from tds.entities.versioning import decide_upsert
from tds.inbox.records import IncomingRecord, keys_for
from tds.reconcile.compare import StoredRecord, compare, record_drift
from tests import zoho_samples as z

INVOICE = catalog.get("invoice")
LINES = (ChildSpec("invoice_lines", "document_zoho_id", ("line_no",)),)


def stored(payload: dict[str, Any], **changes: Any) -> StoredRecord:
    """The record as the handlers store it, with `changes` made to the stored columns."""
    mapped = map_record("invoice", payload)
    row = {**mapped.row, "is_deleted": False, **changes}
    return StoredRecord(mapped.zoho_id, "invoices", row, payload, dict(mapped.children))


def list_row(payload: dict[str, Any]) -> dict[str, Any]:
    keys = ("invoice_id", "invoice_number", "customer_id", "total", "status", "last_modified_time")
    return {k: payload[k] for k in keys if k in payload}


def test_the_same_record_on_both_sides_does_not_differ() -> None:
    invoice = z.detail("invoice")
    assert record_drift(INVOICE, list_row(invoice), stored(invoice), LINES) is None


def test_a_newer_version_in_zoho_is_drift_from_zoho_naming_the_listed_fields_that_changed() -> None:
    invoice = z.detail("invoice")
    newer = list_row({**invoice, "total": 1.5, "last_modified_time": z.T2})
    drift = record_drift(INVOICE, newer, stored(invoice), LINES)
    assert drift is not None
    assert (drift.kind, drift.origin, drift.fields) == ("drift", "zoho", ("total", "source_modified_at"))


def test_a_column_changed_in_the_erp_is_drift_from_the_erp() -> None:
    invoice = z.detail("invoice")
    drift = record_drift(INVOICE, list_row(invoice), stored(invoice, total=Decimal("1"), notes="x"), LINES)
    assert drift is not None
    assert (drift.origin, drift.fields) == ("erp", ("total", "notes"))


def test_lines_changed_in_the_erp_name_the_line_table() -> None:
    invoice = z.detail("invoice")
    record = stored(invoice)
    record.children["invoice_lines"][0]["quantity"] = Decimal("77")
    drift = record_drift(INVOICE, list_row(invoice), record, LINES)
    assert drift is not None
    assert drift.fields == ("invoice_lines",)


def test_decimal_scale_and_json_spelling_are_not_drift() -> None:
    invoice = z.detail("invoice")
    mapped = map_record("invoice", invoice)
    rescaled = {
        k: (v.quantize(Decimal("0.000001")) if isinstance(v, Decimal) else v) for k, v in mapped.row.items()
    }
    assert record_drift(INVOICE, list_row(invoice), stored(invoice, **rescaled), LINES) is None


def test_compare_sorts_records_into_missing_deleted_and_drift() -> None:
    a, b, c, d = (z.detail("invoice", invoice_id=str(n)) for n in (1, 2, 3, 4))
    erp = {
        "2": stored(b),
        "3": stored(c, total=Decimal("0")),
        "4": stored(d, is_deleted=True),
        "5": stored(a),
    }
    erp["5"] = StoredRecord("5", "invoices", {**erp["5"].row, "zoho_id": "5"}, None)
    listed = {"1": list_row(a), "2": list_row(b), "3": list_row(c), "4": list_row(d)}
    found = {(x.kind, x.zoho_id, x.fields) for x in compare(INVOICE, listed, erp, LINES)}
    assert found == {
        ("missing", "1", ()),
        ("drift", "3", ("total",)),
        ("missing", "4", ()),
        ("deleted", "5", ()),
    }


def test_a_repair_is_compared_column_by_column_even_when_the_stored_hash_matches() -> None:
    record = map_record("invoice", z.detail("invoice"))
    children = {"invoice_lines": record.children["invoice_lines"]}
    row = {**record.row, "total": Decimal("1"), "is_deleted": False}
    row["content_hash"] = content_hash(record.row, children)  # edited behind the sync: hash untouched
    version = record.version
    assert decide_upsert(record, row, version, ("invoice_lines",)).outcome is Outcome.UNCHANGED
    repair = decide_upsert(record, row, version, ("invoice_lines",), verify=True)
    assert repair.outcome is Outcome.UPDATED
    assert repair.changed == ["total"]


def test_a_repair_gets_an_idempotency_key_of_its_own_per_run() -> None:
    pulled = IncomingRecord.from_record(INVOICE, z.detail("invoice"), source="pull")
    first = IncomingRecord.from_record(INVOICE, z.detail("invoice"), source="reconcile")
    keys = {
        keys_for(pulled).idempotency_key,
        keys_for(replace_key(first, "1")).idempotency_key,
        keys_for(replace_key(first, "2")).idempotency_key,
    }
    assert len(keys) == 3
    assert keys_for(first).idempotency_key == keys_for(pulled).idempotency_key


def replace_key(record: IncomingRecord, key: str) -> IncomingRecord:
    return replace(record, repair_key=key)
