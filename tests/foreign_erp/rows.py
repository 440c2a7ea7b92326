"""Rows the ERP already holds: products and customers linked to Zoho or not yet, an order with lines.

They are made from Zoho records (the emulator's seeded generator), so the unlinked rows share a SKU
or an e-mail with a record TDS Core will later fetch from Zoho.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import asyncpg

Record = dict[str, Any]

# One product row; returns its serial id.
PRODUCT_SQL = """
INSERT INTO public.products (zoho_item_id, sku, name, name_ar, unit_price, currency, stock, warehouse_note)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id
"""
# One customer row; returns its serial id.
CUSTOMER_SQL = """
INSERT INTO public.customers (zoho_contact_id, name, phone, email, customer_code)
VALUES ($1, $2, $3, $4, $5) RETURNING id
"""
# The ERP's own order (no Zoho id); returns its serial id.
ORDER_SQL = """
INSERT INTO public.sales_orders (zoho_salesorder_id, customer_id, order_number, total, status)
VALUES (NULL, $1, $2, $3, 'open') RETURNING id
"""
# One line of that order.
LINE_SQL = (
    "INSERT INTO public.sales_order_lines (order_id, product_id, quantity, rate) VALUES ($1, $2, $3, $4)"
)

ERP_ONLY_SKU = "ERP-LOCAL-0001"
ERP_ORDER_NUMBER = "ERP-SO-0001"
WALK_IN_CODE = "WALKIN"


@dataclass(frozen=True)
class Seeded:
    """What the ERP held before TDS Core came: Zoho ids, SKUs and e-mails a test can look for."""

    linked_item_ids: tuple[str, ...]  # products with zoho_item_id set
    unlinked_skus: tuple[str, ...]  # products with a Zoho item's SKU but no zoho_item_id
    erp_only_sku: str  # a product Zoho does not know
    linked_contact_ids: tuple[str, ...]  # customers with zoho_contact_id set
    unlinked_emails: tuple[str, ...]  # customers with a Zoho customer's e-mail but no zoho_contact_id
    walk_in_code: str  # a customer Zoho does not know
    order_number: str  # the ERP's own order, with lines on linked and ERP-only products


def _money(value: object) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


async def _product(conn: asyncpg.Connection, item: Record, *, linked: bool) -> int:
    args = (
        (item["item_id"], item["sku"], item["name"], None, _money(item["rate"]), "IQD", 0, "")
        if linked
        else (None, item["sku"], item["name"], "منتج قديم", _money(item["rate"]), "USD", 7, "shelf B-4")
    )
    product_id: int = await conn.fetchval(PRODUCT_SQL, *args)
    return product_id


async def _customer(conn: asyncpg.Connection, contact: Record, code: str, *, linked: bool) -> int:
    zoho_id = contact["contact_id"] if linked else None
    customer_id: int = await conn.fetchval(
        CUSTOMER_SQL, zoho_id, contact["contact_name"], contact["phone"][:20], contact["email"], code
    )
    return customer_id


async def seed(conn: asyncpg.Connection, zoho: dict[str, list[Record]]) -> Seeded:
    """Writes the ERP's rows from `zoho` (needs 4 items and 2 customers) and says which are which."""
    items = zoho["item"][:4]
    customers = [c for c in zoho["contact"] if c["contact_type"] == "customer"][:2]
    if len(items) < 4 or len(customers) < 2:
        raise ValueError("the foreign ERP's rows need at least 4 Zoho items and 2 Zoho customers")
    linked = [await _product(conn, item, linked=True) for item in items[:2]]
    for item in items[2:]:
        await _product(conn, item, linked=False)
    local_product: int = await conn.fetchval(
        PRODUCT_SQL, None, ERP_ONLY_SKU, "Gift wrapping", None, Decimal("1500.00"), "IQD", 120, "counter"
    )
    customer = await _customer(conn, customers[0], "C-0001", linked=True)
    await _customer(conn, customers[1], "C-0002", linked=False)
    await conn.execute(CUSTOMER_SQL, None, "Walk-in customer", None, None, WALK_IN_CODE)
    lines = [(linked[0], Decimal(2), _money(items[0]["rate"])), (local_product, Decimal(1), Decimal(1500))]
    total = sum((quantity * rate for _, quantity, rate in lines), Decimal(0))
    order: int = await conn.fetchval(ORDER_SQL, customer, ERP_ORDER_NUMBER, total)
    await conn.executemany(LINE_SQL, [(order, product, quantity, rate) for product, quantity, rate in lines])
    return Seeded(
        linked_item_ids=tuple(item["item_id"] for item in items[:2]),
        unlinked_skus=tuple(item["sku"] for item in items[2:]),
        erp_only_sku=ERP_ONLY_SKU,
        linked_contact_ids=(customers[0]["contact_id"],),
        unlinked_emails=(customers[1]["email"],),
        walk_in_code=WALK_IN_CODE,
        order_number=ERP_ORDER_NUMBER,
    )
