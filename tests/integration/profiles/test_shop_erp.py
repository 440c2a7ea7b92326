"""Webhook -> worker -> rows of an existing ERP ("shop": serial ids, FKs, NOT NULL columns) by profile."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests import zoho_samples as z
from tests.e2e.conftest import Stack
from tests.integration.profiles.conftest import EXAMPLES, StackFactory, execute

ITEM_2 = "4600000000100002"


@pytest.fixture
async def shop(profiled_stack: StackFactory) -> Stack:
    return await profiled_stack(EXAMPLES / "shop.sql", EXAMPLES / "shop.yaml")


async def deliver(stack: Stack, entity: str, record: dict[str, object], **params: str) -> None:
    response = await stack.post(entity, {entity: record}, **params)
    assert response.status_code in (200, 202), response.text
    await stack.drain()


async def test_item_is_inserted_with_defaults_and_fanned_out_to_the_price_table(shop: Stack) -> None:
    """An item becomes a product (NOT NULL defaults filled on insert) and a price row keyed by its id."""
    await deliver(shop, "item", z.detail("item", last_modified_time=z.T0))
    (product,) = await shop.rows("SELECT * FROM shop.products")
    assert product["zoho_item_id"] == "4600000000100001"
    assert (product["sku"], product["unit_price"], product["status"]) == (
        "OIL-1L",
        Decimal("35.50"),
        "ACTIVE",
    )
    assert product["is_active"] is True
    assert (product["unit_of_measure"], product["created_by"]) == ("BOTTLE", 1)
    (general,) = await shop.rows("SELECT id FROM shop.categories WHERE code = 'GENERAL'")
    assert product["category_id"] == general["id"]
    (price,) = await shop.rows("SELECT * FROM shop.product_prices")
    assert (price["product_id"], price["price"], price["tax_rate"]) == (product["id"], Decimal("35.50"), 15)
    (audit,) = await shop.rows("SELECT * FROM tds.tds_audit_trail WHERE entity_id = '4600000000100001'")
    assert (audit["action"], audit["erp_table"]) == ("insert", "shop.products")


async def test_update_keeps_insert_defaults_and_erp_owned_columns(shop: Stack) -> None:
    """An update rewrites mapped columns only: defaults the ERP changed and ERP-owned columns stay."""
    await deliver(shop, "item", z.detail("item", last_modified_time=z.T0))
    await execute(
        shop,
        "UPDATE shop.products SET cost_price = 9.99, shelf_code = 'A-7', unit_of_measure = 'BOX',"
        " category_id = (SELECT id FROM shop.categories WHERE code = 'FOOD')",
    )
    await deliver(shop, "item", z.detail("item", last_modified_time=z.T1, rate=39.9))
    (product,) = await shop.rows(
        "SELECT p.*, c.code AS category FROM shop.products p JOIN shop.categories c ON c.id = p.category_id"
    )
    assert product["unit_price"] == Decimal("39.90")
    assert (product["cost_price"], product["shelf_code"]) == (Decimal("9.99"), "A-7")
    assert (product["unit_of_measure"], product["category"]) == ("BOX", "FOOD")
    (price,) = await shop.rows("SELECT price FROM shop.product_prices")
    assert price["price"] == Decimal("39.90")
    actions = await shop.rows("SELECT action, changed_fields FROM tds.tds_audit_trail ORDER BY id")
    assert [a["action"] for a in actions] == ["insert", "update"]
    assert "rate" in actions[1]["changed_fields"]


async def test_out_of_order_and_duplicate_deliveries(shop: Stack) -> None:
    """An older version after a newer one is skipped; the same delivery twice writes once."""
    await deliver(shop, "item", z.detail("item", last_modified_time=z.T1, rate=39.9))
    await deliver(shop, "item", z.detail("item", last_modified_time=z.T0, rate=1))
    await deliver(shop, "item", z.detail("item", last_modified_time=z.T1, rate=39.9))
    (product,) = await shop.rows("SELECT unit_price FROM shop.products")
    assert product["unit_price"] == Decimal("39.90")
    jobs = await shop.rows("SELECT status FROM tds.tds_sync_queue ORDER BY id")
    assert [j["status"] for j in jobs] == ["succeeded", "skipped"]  # the duplicate was never queued
    assert len(await shop.rows("SELECT 1 FROM tds.tds_audit_trail")) == 1


async def test_contacts_go_to_customers_and_suppliers(shop: Stack) -> None:
    """Customers get their NOT NULL code, Arabic name and currency by FK; vendors land as suppliers."""
    await deliver(shop, "contact", z.detail("contact"))
    vendor = z.detail("contact", contact_id="4600000000300009", contact_type="vendor", company_name="Müller")
    await deliver(shop, "contact", vendor)
    (customer,) = await shop.rows(
        "SELECT c.*, cur.code AS currency FROM shop.customers c"
        " JOIN shop.currencies cur ON cur.id = c.currency_id"
    )
    assert (customer["customer_code"], customer["name_ar"]) == ("C-4600000000300001", "مؤسسة النخيل للتجارة")
    assert (customer["name"], customer["payment_terms"], customer["currency"]) == (
        "Al-Nakheel Trading Est.",
        30,
        "SAR",
    )
    assert (customer["email"], customer["loyalty_points"], customer["is_active"]) == (
        "khalid@nakheel.example",
        0,
        True,
    )
    (supplier,) = await shop.rows("SELECT * FROM shop.suppliers")
    assert (supplier["supplier_code"], supplier["name"]) == ("V-4600000000300009", "Müller")


async def test_order_before_its_customer_retries_then_lands_with_lines(profiled_stack: StackFactory) -> None:
    """A sales order whose customer and products are not in the ERP waits, then lands once they are."""
    shop = await profiled_stack(EXAMPLES / "shop.sql", EXAMPLES / "shop.yaml", retry_delays_s=[3600.0])
    await deliver(shop, "salesorder", z.detail("salesorder"))
    (job,) = await shop.rows("SELECT status, attempts, last_error FROM tds.tds_sync_queue")
    assert (job["status"], job["attempts"]) == ("pending", 1)
    assert "missing parent for customer_id" in job["last_error"]
    assert "shop.customers row with zoho_contact_id = 4600000000300001" in job["last_error"]
    assert await shop.rows("SELECT * FROM shop.sales_orders") == []
    await deliver(shop, "contact", z.detail("contact"))
    await deliver(shop, "item", z.detail("item"))
    await deliver(shop, "item", z.detail("item", item_id=ITEM_2, sku="", name="Café molido 250g"))
    await execute(shop, "UPDATE tds.tds_sync_queue SET run_after = now() WHERE entity = 'salesorder'")
    await shop.drain()
    (order,) = await shop.rows("SELECT * FROM shop.sales_orders")
    assert (order["order_number"], order["status"], order["discount_pct"]) == ("SO-00042", "OPEN", 10)
    lines = await shop.rows(
        "SELECT l.*, p.sku FROM shop.sales_order_lines l JOIN shop.products p ON p.id = l.product_id"
        " ORDER BY line_no"
    )
    assert [(line["line_no"], line["sku"], line["order_id"]) for line in lines] == [
        (1, "OIL-1L", order["id"]),
        (2, f"SKU-{ITEM_2}", order["id"]),
    ]


async def test_missing_parent_dead_letters_naming_the_key(shop: Stack) -> None:
    """After the last attempt, a child whose parent never came is dead-lettered with the missing key."""
    await deliver(shop, "salesorder", z.detail("salesorder"))
    (dead,) = await shop.rows("SELECT error, attempts FROM tds.tds_dead_letter_queue")
    assert dead["attempts"] == 4
    assert "RetryLater" in dead["error"]
    assert "no shop.customers row with zoho_contact_id = 4600000000300001" in dead["error"]
    assert await shop.rows("SELECT 1 FROM tds.tds_erp_versions") == []  # nothing half-written


async def test_lines_are_replaced_with_their_order(shop: Stack) -> None:
    """A new version of an order replaces its lines in the same transaction; a delete removes both."""
    await deliver(shop, "contact", z.detail("contact"))
    await deliver(shop, "item", z.detail("item"))
    await deliver(shop, "item", z.detail("item", item_id=ITEM_2))
    await deliver(shop, "salesorder", z.detail("salesorder"))
    one_line = z.detail("salesorder")["line_items"][1:]
    one_line[0]["quantity"] = 5
    await deliver(shop, "salesorder", z.detail("salesorder", last_modified_time=z.T1, line_items=one_line))
    (line,) = await shop.rows("SELECT line_no, quantity FROM shop.sales_order_lines")
    assert (line["line_no"], line["quantity"]) == (1, 5)
    await execute(shop, "UPDATE shop.sales_orders SET approved_by = 7")
    await deliver(shop, "salesorder", z.detail("salesorder", last_modified_time=z.T2, status="void"))
    (order,) = await shop.rows("SELECT status, approved_by FROM shop.sales_orders")
    assert (order["status"], order["approved_by"]) == ("OPEN", 7)  # order_status wins over status
    await deliver(shop, "salesorder", {"salesorder_id": "4600000000700001"}, event="deleted")
    assert await shop.rows("SELECT 1 FROM shop.sales_orders") == []
    assert await shop.rows("SELECT 1 FROM shop.sales_order_lines") == []
    actions = await shop.rows(
        "SELECT action FROM tds.tds_audit_trail WHERE entity = 'salesorder' ORDER BY id"
    )
    assert [a["action"] for a in actions] == ["insert", "update", "update", "delete"]


async def test_price_book_and_users(shop: Stack) -> None:
    """A price book lands as a price list and its items (FK to products); users land as staff."""
    await deliver(shop, "item", z.detail("item"))
    await deliver(shop, "item", z.detail("item", item_id=ITEM_2))
    await deliver(shop, "pricebook", z.detail("pricebook"))
    (price_list,) = await shop.rows("SELECT * FROM shop.price_lists")
    assert (price_list["name"], price_list["is_active"]) == ("قائمة أسعار الجملة", True)
    items = await shop.rows(
        "SELECT p.zoho_item_id, i.price FROM shop.price_list_items i"
        " JOIN shop.products p ON p.id = i.product_id"
        " ORDER BY p.zoho_item_id"
    )
    assert [(i["zoho_item_id"], i["price"]) for i in items] == [
        ("4600000000100001", Decimal("32.00")),
        (ITEM_2, Decimal("30.00")),
    ]
    await deliver(shop, "user", z.detail("user"))
    (staff,) = await shop.rows("SELECT * FROM shop.staff")
    assert staff["is_active"] is True
    assert staff["branch_id"] is not None


async def test_item_delete_sets_the_erp_flag(shop: Stack) -> None:
    """`on_delete: set` flags the product inactive and keeps the row (its orders still refer to it)."""
    await deliver(shop, "item", z.detail("item"))
    await deliver(shop, "item", {"item_id": "4600000000100001"}, event="deleted")
    (product,) = await shop.rows("SELECT is_active, sku FROM shop.products")
    assert (product["is_active"], product["sku"]) == (False, "OIL-1L")
