"""List rows versus detail records: list fields only, and `zipcode` in invoice list addresses."""

from __future__ import annotations

from tds.emulator.data import Dataset
from tds.emulator.shapes import LIST_FIELDS, list_row
from tds.entities.catalog import ENTITIES


def test_list_rows_leave_out_detail_only_fields(dataset: Dataset) -> None:
    """Line items, persons, addresses of contacts and warehouse stock exist only in detail."""
    detail_only = {
        "invoice": ("line_items", "taxes", "sub_total", "notes", "contact_persons"),
        "salesorder": ("line_items", "billing_address", "sub_statuses"),
        "bill": ("line_items", "payments", "billing_address"),
        "contact": ("contact_persons", "billing_address", "shipping_address", "notes", "credit_limit"),
        "item": ("warehouses", "custom_fields", "vendor_id"),
        "customerpayment": ("invoices", "custom_fields"),
        "vendorpayment": ("bills",),
        "pricebook": ("pricebook_items",),
        "inventory_adjustment": ("line_items",),
    }
    for entity, fields in detail_only.items():
        record = dataset.records[entity][0]
        row = list_row(entity, record)
        for field in fields:
            assert field in record, (entity, field)
            assert field not in row, (entity, field)


def test_invoice_list_addresses_use_zipcode_and_detail_uses_zip(dataset: Dataset) -> None:
    """The same address reads `zip` in detail and `zipcode` in a list row."""
    record = dataset.records["invoice"][0]
    row = list_row("invoice", record)
    for key in ("billing_address", "shipping_address"):
        assert row[key]["zipcode"] == record[key]["zip"]
        assert "zip" not in row[key]
        assert row[key]["city"] == record[key]["city"]


def test_rows_carry_the_id_and_last_modified_time_where_the_catalog_says(dataset: Dataset) -> None:
    """The id field is always listed; `last_modified_time` only for entities whose rows have it."""
    for spec in ENTITIES:
        row = list_row(spec.name, dataset.records[spec.name][0])
        assert spec.id_field in row
        assert ("last_modified_time" in row) is spec.has_last_modified, spec.name


def test_every_list_field_exists_in_generated_records(dataset: Dataset) -> None:
    """No list field is a typo: each one is present on every generated record."""
    for entity, fields in LIST_FIELDS.items():
        for record in dataset.records[entity]:
            missing = [f for f in fields if f not in record]
            assert missing == [], entity
