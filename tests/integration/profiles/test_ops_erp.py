"""Webhook -> worker -> rows of a second ERP ("ops": own names, one parties table, child lines by key)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests import zoho_samples as z
from tests.e2e.conftest import Stack
from tests.integration.profiles.conftest import HERE, StackFactory, execute
from tests.integration.profiles.test_shop_erp import ITEM_2, deliver


@pytest.fixture
async def ops(profiled_stack: StackFactory) -> Stack:
    return await profiled_stack(HERE / "ops.sql", HERE / "ops.toml")


async def seed(ops: Stack) -> None:
    await deliver(ops, "contact", z.detail("contact"))
    await deliver(ops, "item", z.detail("item"))
    await deliver(ops, "item", z.detail("item", item_id=ITEM_2, sku=""))


async def test_contacts_share_one_table_by_kind(ops: Stack) -> None:
    """Customers and vendors land in one parties table, told apart by a constant column."""
    await deliver(ops, "contact", z.detail("contact"))
    await deliver(ops, "contact", z.detail("contact", contact_id="4600000000300009", contact_type="vendor"))
    parties = await ops.rows(
        "SELECT party_ref, kind, terms_days, billing FROM ops.parties ORDER BY party_ref"
    )
    assert [(p["party_ref"], p["kind"], p["terms_days"]) for p in parties] == [
        ("4600000000300001", "C", 30),
        ("4600000000300009", "V", 30),
    ]
    assert parties[0]["billing"]["city"] == "الرياض"  # a nested part kept as JSON


async def test_invoice_with_lines_updates_and_out_of_order(ops: Stack) -> None:
    """An invoice and its lines land; a newer version replaces the lines; an older one is skipped."""
    await seed(ops)
    await deliver(ops, "invoice", z.detail("invoice", last_modified_time=z.T1))
    (head,) = await ops.rows("SELECT * FROM ops.inv_head")
    assert (head["doc_no"], head["party_ref"], head["state"]) == ("INV-000123", "4600000000300001", "sent")
    lines = await ops.rows("SELECT seq, item_ref FROM ops.inv_line ORDER BY seq")
    assert [line["item_ref"] for line in lines] == ["4600000000100001", ITEM_2]
    await deliver(ops, "invoice", z.detail("invoice", last_modified_time=z.T0, status="draft"))
    (head,) = await ops.rows("SELECT state FROM ops.inv_head")
    assert head["state"] == "sent"
    one = z.detail("invoice")["line_items"][:1]
    await deliver(ops, "invoice", z.detail("invoice", last_modified_time=z.T2, status="paid", line_items=one))
    (head,) = await ops.rows("SELECT state FROM ops.inv_head")
    assert head["state"] == "paid"
    assert len(await ops.rows("SELECT 1 FROM ops.inv_line")) == 1
    audit = await ops.rows(
        "SELECT action, erp_table FROM tds.tds_audit_trail WHERE entity = 'invoice' ORDER BY id"
    )
    assert audit == [
        {"action": "insert", "erp_table": "ops.inv_head"},
        {"action": "update", "erp_table": "ops.inv_head"},
    ]


async def test_erp_owned_column_and_version_column_guard(ops: Stack) -> None:
    """The ERP's own column survives updates; the table's version column only moves forward."""
    await deliver(ops, "item", z.detail("item", last_modified_time=z.T0))
    await execute(ops, "UPDATE ops.item_master SET warehouse_bin = 'B-12'")
    await deliver(ops, "item", z.detail("item", last_modified_time=z.T1, rate=40, status="inactive"))
    (item,) = await ops.rows("SELECT * FROM ops.item_master")
    assert (item["warehouse_bin"], item["price"], item["active"], item["code"]) == (
        "B-12",
        Decimal(40),
        "N",
        "OIL-1L",
    )
    (stock,) = await ops.rows("SELECT * FROM ops.item_stock")
    assert stock["on_hand"] == 140


async def test_invoice_delete_removes_head_and_lines(ops: Stack) -> None:
    """`on_delete: delete` removes the document and its lines; a late older create cannot bring it back."""
    await seed(ops)
    await deliver(ops, "invoice", z.detail("invoice", last_modified_time=z.T1))
    await deliver(ops, "invoice", {"invoice_id": "4600000000400001"}, event="deleted")
    assert await ops.rows("SELECT 1 FROM ops.inv_head") == []
    assert await ops.rows("SELECT 1 FROM ops.inv_line") == []
    await deliver(ops, "invoice", z.detail("invoice", last_modified_time=z.T0, invoice_number="INV-X"))
    assert await ops.rows("SELECT 1 FROM ops.inv_head") == []


async def test_price_book_lines_and_users(ops: Stack) -> None:
    """A price book's items land keyed by (book, item); a user lands in people."""
    await seed(ops)
    await deliver(ops, "pricebook", z.detail("pricebook"))
    prices = await ops.rows("SELECT item_ref, price FROM ops.price_line ORDER BY item_ref")
    assert [(p["item_ref"], p["price"]) for p in prices] == [("4600000000100001", 32), (ITEM_2, 30)]
    await deliver(ops, "user", z.detail("user"))
    assert len(await ops.rows("SELECT 1 FROM ops.people")) == 1
