"""Where records land: customers vs vendors, both payment kinds, partial records, stock levels."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import text

from tds.entities.handler import Outcome
from tds.entities.mapping import map_record
from tests import zoho_samples as z
from tests.integration.entities.conftest import make_event, version_of

CONTACT_ID = "4600000000300001"


class TestContacts:
    async def test_customers_and_vendors_go_to_their_own_tables(self, apply, fetch):
        vendor = version_of("contact", z.T0, contact_id="555", contact_type="vendor")
        assert await apply(version_of("contact", z.T0), vendor) == [Outcome.INSERTED, Outcome.INSERTED]
        assert [r["zoho_id"] for r in await fetch("customers")] == [CONTACT_ID]
        assert [r["zoho_id"] for r in await fetch("vendors")] == ["555"]

    async def test_a_delete_by_id_finds_the_vendor(self, apply, fetch):
        """A delete without contact_type soft-deletes the row where the contact is stored."""
        await apply(version_of("contact", z.T0, contact_type="vendor"))
        delete = make_event("contact", {}, action="delete", entity_id=CONTACT_ID, modified=z.T1)
        assert await apply(delete) == [Outcome.DELETED]
        (vendor,) = await fetch("vendors", zoho_id=CONTACT_ID)
        assert vendor["is_deleted"] is True
        assert await fetch("customers") == []

    async def test_a_list_row_after_the_detail_changes_nothing(self, apply, fetch, audit):
        """Same version as a list row: addresses and contact persons it lacks are kept, no write."""
        await apply(version_of("contact", z.T0))
        list_row = make_event("contact", z.factory(z.CONTACT_LIST_ROW)(), source="pull")
        assert await apply(list_row) == [Outcome.UNCHANGED]
        (row,) = await fetch("customers", zoho_id=CONTACT_ID)
        assert row["billing_address"]["city"] == "الرياض"
        assert len(row["contact_persons"]) == 2
        assert len(await audit(CONTACT_ID)) == 1


class TestPayments:
    async def test_both_payment_kinds_share_the_payments_table(self, apply, fetch):
        assert await apply(version_of("customerpayment", z.T0)) == [Outcome.INSERTED]
        assert await apply(version_of("vendorpayment", z.T0)) == [Outcome.INSERTED]
        kinds = {r["zoho_id"]: r["payment_kind"] for r in await fetch("payments")}
        assert kinds == {"4600000000800001": "customer", "4600000000810001": "vendor"}
        (vendor,) = await fetch("payments", zoho_id="4600000000810001")
        assert vendor["amount"] == Decimal("1150")
        assert vendor["applications"][0]["bill_id"] == "4600000000500001"


class TestDocuments:
    async def test_a_list_row_keeps_lines_and_updates_the_header(self, apply, fetch):
        """A newer list row (no line_items, `zipcode`) updates the header; the lines stay."""
        await apply(version_of("invoice", z.T0))
        list_row = z.factory(z.INVOICE_LIST_ROW)(status="overdue", last_modified_time=z.T1)
        assert await apply(make_event("invoice", list_row)) == [Outcome.UPDATED]
        (row,) = await fetch("invoices", zoho_id="4600000000400001")
        assert row["status"] == "overdue"
        assert row["notes"] == "شكراً لتعاملكم معنا"
        assert row["billing_address"]["zip"] == "12271"
        assert len(await fetch("invoice_lines", document_zoho_id="4600000000400001")) == 2

    async def test_json_columns_hold_sql_null_not_json_null(self, apply, sessions):
        """An absent custom_fields is SQL NULL, so `IS NULL` means what it says."""
        await apply(version_of("bill", z.T0))
        async with sessions() as session:
            nulls = await session.scalar(
                text("SELECT custom_fields IS NULL FROM erp.bills WHERE zoho_id = '4600000000500001'")
            )
        assert nulls is True


class TestStock:
    async def test_item_stock_levels_follow_the_newer_item(self, apply, fetch):
        await apply(version_of("item", z.T0))
        warehouses = z.detail("item")["warehouses"]
        warehouses[0]["warehouse_stock_on_hand"] = 55
        assert await apply(version_of("item", z.T1, warehouses=warehouses)) == [Outcome.UPDATED]
        levels = {r["warehouse_zoho_id"]: r for r in await fetch("stock_levels")}
        assert levels["4600000000200001"]["stock_on_hand"] == Decimal("55")
        assert levels["4600000000200002"]["stock_on_hand"] == Decimal("40")

    async def test_stale_item_leaves_stock_alone(self, apply, fetch):
        await apply(version_of("item", z.T1))
        warehouses = z.detail("item")["warehouses"]
        warehouses[0]["warehouse_stock_on_hand"] = 1
        assert await apply(version_of("item", z.T0, warehouses=warehouses)) == [Outcome.STALE]
        (level,) = await fetch("stock_levels", warehouse_zoho_id="4600000000200001")
        assert level["stock_on_hand"] == Decimal("100")

    async def test_audit_json_spells_money_and_times_as_strings(self, apply, audit):
        await apply(version_of("item", z.T0))
        (entry,) = await audit(map_record("item", z.detail("item")).zoho_id)
        assert entry["after"]["rate"] == "35.5"
        assert entry["after"]["source_modified_at"] == "2026-01-06T05:00:00+00:00"
        assert entry["after"]["stock_levels"][0]["stock_on_hand"] == "100"
