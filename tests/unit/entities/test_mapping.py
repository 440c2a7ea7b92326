"""Zoho records of every entity map to the logical ERP rows of tables.py."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from tds.entities.catalog import ENTITY_NAMES
from tds.entities.mapping import MAPPERS, map_record
from tds.entities.naming import LOGICAL_TABLES
from tds.errors import PermanentHandlerError
from tests import zoho_samples as z

# Sync columns the handlers fill, not the mapping.
SYNC_COLUMNS = {"zoho_id", "content_hash", "is_deleted", "deleted_at", "raw", "synced_at"}


@pytest.mark.parametrize("entity", ENTITY_NAMES)
def test_every_entity_maps_to_exactly_the_columns_of_its_table(entity):
    """A detail record fills every mapped column of its table and no column the table lacks."""
    record = map_record(entity, z.detail(entity))
    columns = {c.name for c in LOGICAL_TABLES[record.table].columns} - SYNC_COLUMNS
    assert set(record.row) == columns
    for child, rows in record.children.items():
        child_columns = {c.name for c in LOGICAL_TABLES[child].columns} - {"id", "synced_at"}
        assert rows
        assert all(set(row) == child_columns for row in rows)


def test_every_catalog_entity_has_a_mapper():
    """The mapping registry covers the whole catalog."""
    assert set(MAPPERS) == set(ENTITY_NAMES)


class TestItems:
    def test_detail_item_maps_prices_stock_and_custom_fields(self):
        """An item's money is Decimal, its tax id a string, its custom fields keyed by api name."""
        record = map_record("item", z.detail("item"))
        row = record.row
        assert record.zoho_id == "4600000000100001"
        assert record.table == "products"
        assert row["name"] == "زيت زيتون بكر ممتاز 1 لتر"
        assert row["rate"] == Decimal("35.5")
        assert row["tax_zoho_id"] == "4600000000000501"
        assert row["reorder_level"] == Decimal("25")
        assert row["ean"] is None
        assert row["custom_fields"] == {"cf_origin": "الأندلس", "cf_shelf_life": 18}
        assert row["source_modified_at"] == datetime(2026, 1, 6, 5, 0, tzinfo=UTC)
        assert row["zoho_created_at"] == datetime(2025, 12, 1, 7, 0, tzinfo=UTC)

    def test_warehouses_become_stock_levels_ordered_by_warehouse(self):
        """Each `warehouses[]` entry is a stock_levels row; numeric ids and string stock are read."""
        levels = map_record("item", z.detail("item")).children["stock_levels"]
        assert [lv["warehouse_zoho_id"] for lv in levels] == ["4600000000200001", "4600000000200002"]
        assert levels[0]["stock_on_hand"] == Decimal("100")
        assert levels[0]["warehouse_name"] == "المستودع الرئيسي - الرياض"
        assert levels[1]["committed_stock"] == Decimal("0")
        assert all(lv["item_zoho_id"] == "4600000000100001" for lv in levels)
        assert all(lv["source_modified_at"] == datetime(2026, 1, 6, 5, tzinfo=UTC) for lv in levels)

    def test_locations_stand_in_for_warehouses(self):
        """Orgs with locations send `locations[]`; they map to the same stock_levels rows."""
        payload = z.detail("item", warehouses=None)
        del payload["warehouses"]
        payload["locations"] = [{"location_id": 77, "location_name": "دبي", "location_stock_on_hand": 5}]
        (level,) = map_record("item", payload).children["stock_levels"]
        assert level["warehouse_zoho_id"] == "77"
        assert level["stock_on_hand"] == Decimal("5")
        assert level["available_stock"] is None

    def test_list_row_leaves_missing_fields_and_stock_absent(self):
        """A list row maps what it has; what it lacks is marked absent (kept from the stored row)."""
        record = map_record("item", z.factory(z.ITEM_LIST_ROW)())
        assert record.row["reorder_level"] is None
        assert "reorder_level" not in record.absent
        assert {"brand", "custom_fields", "purchase_rate", "zoho_created_at"} <= record.absent
        assert "stock_levels" not in record.children


class TestContacts:
    def test_customer_detail_maps_to_customers(self):
        """contact_type customer -> customers; email from the primary person; address in one shape."""
        record = map_record("contact", z.detail("contact"))
        row = record.row
        assert record.table == "customers"
        assert row["name"] == "مؤسسة النخيل للتجارة"
        assert row["contact_sub_type"] == "business"
        assert row["payment_terms"] == 30
        assert row["outstanding_amount"] == Decimal("1250.75")
        assert row["email"] == "khalid@nakheel.example"
        assert row["mobile"] == "+966 50 000 0001"
        assert row["billing_address"] == {
            "attention": "قسم المشتريات",
            "address": "طريق الملك فهد",
            "city": "الرياض",
            "state": "Riyadh",
            "zip": "12271",
            "country": "Saudi Arabia",
            "phone": "+966 11 000 0000",
        }
        persons = row["contact_persons"]
        assert persons[0]["contact_person_id"] == "4600000000300101"
        assert persons[0]["is_primary_contact"] is True
        assert persons[1] == {
            "contact_person_id": "4600000000300102",
            "first_name": "Ñandú",
            "is_primary_contact": False,
        }
        assert row["custom_fields"] == {"cf_region": "الوسطى"}

    def test_vendor_maps_to_vendors_with_the_payable_amount(self):
        """contact_type vendor -> vendors; the outstanding amount is what we owe them."""
        record = map_record(
            "contact", z.detail("contact", contact_type="vendor", outstanding_payable_amount=99.5)
        )
        assert record.table == "vendors"
        assert record.row["outstanding_amount"] == Decimal("99.5")

    def test_list_row_with_numeric_id_and_custom_field_hash(self):
        """A list row: id as a number, email at top level, custom fields from the hash only."""
        record = map_record("contact", z.factory(z.CONTACT_LIST_ROW)())
        assert record.zoho_id == "4600000000300001"
        assert record.row["email"] == "khalid@nakheel.example"
        assert record.row["custom_fields"] == {"cf_region": "الوسطى"}
        assert {"billing_address", "contact_persons", "credit_limit", "notes"} <= record.absent

    def test_contact_without_type_leaves_the_table_open(self):
        """Without contact_type the handler decides (where the record is stored)."""
        assert map_record("contact", {"contact_id": "1"}).table is None


class TestDocuments:
    def test_invoice_detail_maps_header_and_lines(self):
        """Header money, dates and addresses; one line row per line item, numbered by position."""
        record = map_record("invoice", z.detail("invoice"))
        row = record.row
        assert record.table == "invoices"
        assert row["invoice_number"] == "INV-000123"
        assert row["customer_zoho_id"] == "4600000000300001"
        assert row["date"] == date(2026, 1, 5)
        assert row["total"] == Decimal("122.48")
        assert row["reference_number"] == "PO-٧٧"
        assert row["salesperson_name"] == "Zoë Ødegaard"
        assert row["custom_fields"] == {"cf_quarter": "Q1"}
        lines = record.children["invoice_lines"]
        assert [line["line_no"] for line in lines] == [1, 2]
        assert lines[0]["name"] == "زيت زيتون"
        assert lines[0]["quantity"] == Decimal("2")
        assert lines[0]["item_total"] == Decimal("71")
        assert lines[0]["discount"] == Decimal("0")
        assert lines[0]["tax_zoho_id"] == "4600000000000501"
        assert lines[0]["warehouse_zoho_id"] == "4600000000200001"
        assert lines[0]["custom_fields"] == {"46000000007001": "B-42"}
        assert lines[1]["description"] is None

    def test_invoice_list_row_reads_zipcode_and_keeps_lines(self):
        """A list row: `zipcode` is the zip; no line_items key means the stored lines stay."""
        record = map_record("invoice", z.factory(z.INVOICE_LIST_ROW)())
        assert record.row["billing_address"]["zip"] == "12271"
        assert record.row["customer_zoho_id"] == "4600000000300001"
        assert "invoice_lines" not in record.children
        assert {"shipping_address", "notes", "sub_total"} <= record.absent
        assert "custom_fields" not in record.absent

    def test_empty_line_items_replace_lines_with_none(self):
        """`line_items: []` is an invoice with no lines (unlike a missing key)."""
        assert map_record("invoice", z.detail("invoice", line_items=[])).children == {"invoice_lines": []}

    def test_bill_rounds_the_exchange_rate_to_the_column_scale(self):
        """Money has the ERP's scale (6 places) so the stored value equals the mapped one."""
        record = map_record("bill", z.detail("bill"))
        assert record.table == "bills"
        assert record.row["vendor_name"] == "Müller & Söhne GmbH"
        assert record.row["exchange_rate"] == Decimal("4.051235")
        assert record.row["due_date"] is None
        (line,) = record.children["bill_lines"]
        assert line["item_zoho_id"] is None
        assert line["description"] == "Wartung — Kühlanlage"

    def test_credit_note_with_numeric_id(self):
        record = map_record("creditnote", z.detail("creditnote"))
        assert record.zoho_id == "4600000000600001"
        assert record.table == "credit_notes"
        assert record.row["custom_fields"] == {"cf_reason": "damaged"}
        assert record.children["credit_note_lines"][0]["document_zoho_id"] == "4600000000600001"

    def test_sales_order_discount_is_the_amount_not_the_percentage(self):
        """`discount: "10%"` is a rate; `discount_amount` is what the column holds."""
        record = map_record("salesorder", z.detail("salesorder"))
        assert record.row["discount"] == Decimal("7.1")
        assert record.row["shipment_date"] == date(2026, 1, 10)
        assert record.row["invoiced_status"] == "not_invoiced"
        assert record.row["custom_fields"] == {"46000000007003": "Express"}  # the short form: by id
        percent_only = z.detail("salesorder", discount="10%")
        del percent_only["discount_amount"]
        assert map_record("salesorder", percent_only).row["discount"] is None


class TestPayments:
    def test_customer_payment(self):
        record = map_record("customerpayment", z.detail("customerpayment"))
        row = record.row
        assert record.table == "payments"
        assert row["payment_kind"] == "customer"
        assert row["contact_zoho_id"] == "4600000000300001"
        assert row["amount"] == Decimal("122.48")
        assert row["applications"] == [
            {
                "invoice_id": "4600000000400001",
                "invoice_number": "INV-000123",
                "date": "2026-01-05",
                "amount_applied": 122.48,
                "invoice_amount": 122.48,
                "balance_amount": 0,
            }
        ]

    def test_vendor_payment(self):
        record = map_record("vendorpayment", z.detail("vendorpayment"))
        row = record.row
        assert record.zoho_id == "4600000000810001"
        assert row["payment_kind"] == "vendor"
        assert row["contact_name"] == "Müller & Söhne GmbH"
        assert row["account_name"] == "Deutsche Bank"
        assert row["applications"][0]["bill_id"] == "4600000000500001"


class TestOtherEntities:
    def test_pricebook_with_items_and_brackets(self):
        """String booleans are read; items are ordered by item id with their brackets."""
        record = map_record("pricebook", z.detail("pricebook"))
        assert record.row["is_default"] is False
        assert record.row["percentage"] is None
        assert record.row["source_modified_at"] is None
        items = record.children["price_list_items"]
        assert [i["item_zoho_id"] for i in items] == ["4600000000100001", "4600000000100002"]
        assert items[1]["price_list_rate"] == Decimal("30")
        assert items[1]["price_brackets"][1] == {
            "start_quantity": 10,
            "end_quantity": "",
            "pricebook_rate": 28.5,
        }
        assert items[0]["price_brackets"] is None

    def test_inventory_adjustment_keeps_lines_as_json(self):
        record = map_record("inventory_adjustment", z.detail("inventory_adjustment"))
        assert record.table == "stock_adjustments"
        assert record.row["reason"] == "تلف أثناء النقل"
        assert record.row["lines"] == [
            {
                "line_item_id": "4600000001000101",
                "item_id": "4600000000100001",
                "warehouse_id": "4600000000200001",
                "adjustment_account_id": "4600000000000902",
                "name": "زيت زيتون",
                "unit": "bottle",
                "quantity_adjusted": -3,
            }
        ]

    def test_warehouse_with_a_flat_address(self):
        row = map_record("warehouse", z.detail("warehouse")).row
        assert row["name"] == "المستودع الرئيسي - الرياض"
        assert row["is_primary"] is True
        assert row["address"] == {
            "address": "الشارع الصناعي 5",
            "street2": "المنطقة الصناعية الثانية",
            "city": "الرياض",
            "state": "Riyadh",
            "state_code": "RD",
            "zip": "14331",
            "country": "Saudi Arabia",
            "phone": "+966 11 000 0099",
        }

    def test_location_is_a_warehouse_with_a_nested_address(self):
        record = map_record("warehouse", z.factory(z.LOCATION)())
        assert record.zoho_id == "4600000000200003"
        assert record.row["name"] == "Dubai Branch"
        assert record.row["email"] is None
        assert record.row["address"] == {"address": "Sheikh Zayed Rd", "city": "دبي", "country": "UAE"}

    def test_user(self):
        row = map_record("user", z.detail("user")).row
        assert row == {
            "source_modified_at": None,
            "zoho_created_at": None,
            "name": "أحمد المحاسب",
            "email": "ahmed@example.com",
            "status": "active",
            "role": "accountant",
            "user_type": "zoho",
            "is_employee": True,
        }


class TestUnmappable:
    @pytest.mark.parametrize("entity", ENTITY_NAMES)
    def test_a_record_without_its_id_is_refused(self, entity):
        """No id: a permanent error that names the id field."""
        payload = z.detail(entity)
        for key in (
            "item_id",
            "contact_id",
            "invoice_id",
            "bill_id",
            "creditnote_id",
            "salesorder_id",
            "payment_id",
            "pricebook_id",
            "inventory_adjustment_id",
            "warehouse_id",
            "user_id",
        ):
            payload.pop(key, None)
        with pytest.raises(PermanentHandlerError) as caught:
            map_record(entity, payload)
        assert caught.value.context["field"].endswith("_id")
        assert caught.value.context["entity"] == entity

    def test_a_delete_may_carry_only_its_event_id(self):
        """A delete's payload can be empty: the event's id stands in, every column is absent."""
        record = map_record("invoice", {}, fallback_id="4600000000400001")
        assert record.zoho_id == "4600000000400001"
        assert "invoice_number" in record.absent

    def test_a_field_of_the_wrong_kind_is_named(self):
        with pytest.raises(PermanentHandlerError, match=r"invoice 4600000000400001: field 'total'") as caught:
            map_record("invoice", z.detail("invoice", total="twelve"))
        assert caught.value.context["field"] == "total"

    def test_a_non_object_record_is_refused(self):
        with pytest.raises(PermanentHandlerError):
            map_record("item", ["not", "a", "record"])  # type: ignore[arg-type]
