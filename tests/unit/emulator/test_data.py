"""The seeded generator: determinism, Zoho formats and records that point at each other."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from tds.emulator.data import Dataset, generate
from tds.entities.catalog import ENTITIES
from tests.unit.emulator.conftest import SMALL

ID_RE = re.compile(r"\d{15,19}")
TS_RE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0300")
ARABIC = re.compile(r"[\u0600-\u06FF]")


def walk(value: Any, key: str = "") -> Iterator[tuple[str, Any]]:
    """Every (key, value) pair at any depth of a record."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield k, v
            yield from walk(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from walk(v, key)


def all_pairs(dataset: Dataset) -> Iterator[tuple[str, Any]]:
    for records in dataset.records.values():
        for record in records:
            yield from walk(record)


class TestDeterminism:
    def test_same_seed_gives_identical_records(self) -> None:
        """Two runs with one seed produce byte-identical data."""
        first = json.dumps(generate(11, SMALL).records, sort_keys=True)
        assert first == json.dumps(generate(11, SMALL).records, sort_keys=True)

    def test_different_seeds_give_different_records(self) -> None:
        """Another seed gives another organisation."""
        a, b = generate(11, SMALL).records, generate(12, SMALL).records
        assert (
            a["item"][0]["name"] != b["item"][0]["name"] or a["item"][0]["item_id"] != b["item"][0]["item_id"]
        )

    def test_requested_sizes_are_met(self, dataset: Dataset) -> None:
        """Each entity gets the count asked for (contacts split into customers and vendors)."""
        assert len(dataset.records["item"]) == SMALL.items
        assert len(dataset.records["invoice"]) == SMALL.invoices
        assert len(dataset.records["contact"]) == SMALL.contacts
        assert {c["contact_type"] for c in dataset.records["contact"]} == {"customer", "vendor"}


class TestFormats:
    def test_every_catalog_entity_has_records_with_unique_ids(self, dataset: Dataset) -> None:
        """Each entity of the catalog is generated, keyed by its catalog id field."""
        for spec in ENTITIES:
            ids = [r[spec.id_field] for r in dataset.records[spec.name]]
            assert ids, spec.name
            assert len(set(ids)) == len(ids), spec.name

    def test_ids_are_15_to_19_digit_strings(self, dataset: Dataset) -> None:
        """Every non-empty `*_id` value at any depth is a digit string of Zoho's length."""
        bad = [
            (k, v) for k, v in all_pairs(dataset) if k.endswith("_id") and v != "" and not ID_RE.fullmatch(v)
        ]
        assert bad == []

    def test_timestamps_use_the_org_offset_without_colon(self, dataset: Dataset) -> None:
        """created_time and last_modified_time look like `2026-01-06T08:00:00+0300`."""
        stamps = [
            v for k, v in all_pairs(dataset) if k in ("created_time", "last_modified_time", "updated_time")
        ]
        assert stamps
        assert all(TS_RE.fullmatch(s) for s in stamps)

    def test_nothing_is_null_and_empty_dates_are_empty_strings(self, dataset: Dataset) -> None:
        """Absent values are "" (or 0, false, []) as in Zoho, never null."""
        assert [k for k, v in all_pairs(dataset) if v is None] == []
        unpaid = [i for i in dataset.records["invoice"] if i["status"] in ("draft", "sent", "overdue")]
        assert unpaid
        assert all(i["last_payment_date"] == "" for i in unpaid)

    def test_numbers_rise_with_created_time(self, dataset: Dataset) -> None:
        """Older invoices have lower numbers, as a real series grows."""
        by_time = sorted(dataset.records["invoice"], key=lambda i: i["created_time"])
        numbers = [i["invoice_number"] for i in by_time]
        assert numbers == sorted(numbers)

    def test_custom_fields_come_with_a_matching_hash(self, dataset: Dataset) -> None:
        """`custom_fields` entries reappear in `custom_field_hash` by api name."""
        for contact in dataset.records["contact"]:
            assert contact["custom_fields"]
            for field in contact["custom_fields"]:
                assert contact["custom_field_hash"][field["api_name"]] == field["value_formatted"]
                assert contact["custom_field_hash"][f"{field['api_name']}_unformatted"] == field["value"]

    def test_a_good_share_of_names_are_arabic_or_other_non_ascii(self, dataset: Dataset) -> None:
        """Names exercise Unicode: a third or more Arabic, half or more non-ASCII overall."""
        names = [c["contact_name"] for c in dataset.records["contact"]] + [
            i["name"] for i in dataset.records["item"]
        ]
        arabic = sum(bool(ARABIC.search(n)) for n in names)
        non_ascii = sum(not n.isascii() for n in names)
        assert arabic >= len(names) * 0.3
        assert non_ascii >= len(names) * 0.5


class TestRelations:
    def test_items_carry_stock_per_warehouse(self, dataset: Dataset) -> None:
        """Tracked items list stock per existing warehouse, and the totals add up."""
        warehouses = {w["warehouse_id"] for w in dataset.records["warehouse"]}
        tracked = [i for i in dataset.records["item"] if i["item_type"] == "inventory"]
        assert len(tracked) > len(dataset.records["item"]) / 2
        for item in tracked:
            assert {row["warehouse_id"] for row in item["warehouses"]} == warehouses
            assert item["stock_on_hand"] == sum(r["warehouse_stock_on_hand"] for r in item["warehouses"])
            assert isinstance(item["reorder_level"], str)

    def test_contacts_have_persons_and_detail_addresses(self, dataset: Dataset) -> None:
        """One primary person each; detail addresses use `zip`, never `zipcode`."""
        for contact in dataset.records["contact"]:
            primaries = [p for p in contact["contact_persons"] if p["is_primary_contact"]]
            assert [p["contact_person_id"] for p in primaries] == [contact["primary_contact_id"]]
            for key in ("billing_address", "shipping_address"):
                assert "zip" in contact[key]
                assert "zipcode" not in contact[key]

    def test_documents_point_at_existing_parties_and_items_and_add_up(self, dataset: Dataset) -> None:
        """Sales documents name customers, bills name vendors, lines name items; sub_total sums lines."""
        recs = dataset.records
        kinds = {c["contact_id"]: c["contact_type"] for c in recs["contact"]}
        items = {i["item_id"] for i in recs["item"]}
        for entity, party in (
            ("invoice", "customer"),
            ("creditnote", "customer"),
            ("salesorder", "customer"),
        ):
            for doc in recs[entity]:
                assert kinds[doc["customer_id"]] == party
        for doc in (*recs["invoice"], *recs["bill"], *recs["creditnote"], *recs["salesorder"]):
            assert doc["line_items"]
            assert {line["item_id"] for line in doc["line_items"]} <= items
            assert abs(doc["sub_total"] - sum(line["item_total"] for line in doc["line_items"])) < 0.01
        assert all(kinds[b["vendor_id"]] == "vendor" for b in recs["bill"])

    def test_payments_apply_to_documents_of_the_same_party(self, dataset: Dataset) -> None:
        """Customer payments settle that customer's invoices; vendor payments that vendor's bills."""
        invoices = {i["invoice_id"]: i for i in dataset.records["invoice"]}
        bills = {b["bill_id"]: b for b in dataset.records["bill"]}
        applied = 0
        for payment in dataset.records["customerpayment"]:
            for row in payment["invoices"]:
                assert invoices[row["invoice_id"]]["customer_id"] == payment["customer_id"]
                applied += 1
        for payment in dataset.records["vendorpayment"]:
            for row in payment["bills"]:
                assert bills[row["bill_id"]]["vendor_id"] == payment["vendor_id"]
                applied += 1
        assert applied > 0

    def test_pricebooks_and_adjustments_name_existing_items(self, dataset: Dataset) -> None:
        """Price list rows and adjustment lines point at generated items."""
        items = {i["item_id"] for i in dataset.records["item"]}
        rows = [r for p in dataset.records["pricebook"] for r in p["pricebook_items"]]
        lines = [line for a in dataset.records["inventory_adjustment"] for line in a["line_items"]]
        assert rows
        assert lines
        assert {r["item_id"] for r in rows} | {line["item_id"] for line in lines} <= items
