"""Handlers write into an existing ERP's own tables when the configuration remaps the names."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import text

from tds.config import ErpMappingSettings
from tds.entities.handler import Outcome
from tds.entities.target import build_handlers
from tests import zoho_samples as z
from tests.integration.entities.conftest import delete_of, version_of

# An "existing ERP": its own schemas, table names and column names, written by hand.
LEGACY_DDL = (
    "CREATE SCHEMA inventory",
    "CREATE SCHEMA sales",
    """CREATE TABLE inventory.items (
        external_ref text PRIMARY KEY, source_modified_at timestamptz, content_hash text NOT NULL,
        is_deleted boolean NOT NULL DEFAULT false, deleted_at timestamptz, raw jsonb,
        zoho_created_at timestamptz, synced_at timestamptz NOT NULL DEFAULT now(),
        item_name text, item_code text, description text, status text, unit text,
        sale_price numeric(20, 6), purchase_rate numeric(20, 6), item_type text, product_type text,
        tax_zoho_id text, tax_percentage numeric(20, 6), stock_on_hand numeric(20, 6),
        available_stock numeric(20, 6), reorder_level numeric(20, 6), brand text, manufacturer text,
        upc text, ean text, image_document_id text, image_name text, custom_fields jsonb)""",
    """CREATE TABLE sales.invoice_headers (
        zoho_id text PRIMARY KEY, source_modified_at timestamptz, content_hash text NOT NULL,
        is_deleted boolean NOT NULL DEFAULT false, deleted_at timestamptz, raw jsonb,
        zoho_created_at timestamptz, synced_at timestamptz NOT NULL DEFAULT now(),
        doc_no text, customer_zoho_id text, customer_name text, status text, date date,
        reference_number text, currency_code text, exchange_rate numeric(20, 6), sub_total numeric(20, 6),
        tax_total numeric(20, 6), discount numeric(20, 6), total numeric(20, 6), location_zoho_id text,
        notes text, custom_fields jsonb, due_date date, balance numeric(20, 6), salesperson_name text,
        billing_address jsonb, shipping_address jsonb)""",
    """CREATE TABLE sales.invoice_rows (
        id bigserial PRIMARY KEY,
        invoice_ref text NOT NULL REFERENCES sales.invoice_headers ON DELETE CASCADE,
        line_no integer NOT NULL, line_item_zoho_id text, item_zoho_id text, name text, description text,
        sku text, quantity numeric(20, 6), unit text, rate numeric(20, 6), discount numeric(20, 6),
        tax_zoho_id text, tax_percentage numeric(20, 6), item_total numeric(20, 6), warehouse_zoho_id text,
        custom_fields jsonb)""",
)

LEGACY = ErpMappingSettings(
    tables={
        "products": "inventory.items",
        "invoices": "sales.invoice_headers",
        "invoice_lines": "sales.invoice_rows",
    },
    columns={
        "products.zoho_id": "external_ref",
        "products.name": "item_name",
        "products.sku": "item_code",
        "products.rate": "sale_price",
        "invoices.invoice_number": "doc_no",
        "invoice_lines.document_zoho_id": "invoice_ref",
    },
)


@pytest.fixture
async def legacy(sessions):
    async with sessions() as session, session.begin():
        for statement in LEGACY_DDL:
            await session.execute(text(statement))
    return build_handlers(LEGACY)


async def test_items_land_in_the_remapped_table_and_columns(legacy, apply, fetch, audit):
    assert await apply(version_of("item", z.T0), using=legacy) == [Outcome.INSERTED]
    assert await apply(version_of("item", z.T1, rate=40), using=legacy) == [Outcome.UPDATED]
    (row,) = await fetch("inventory.items")
    assert row["external_ref"] == "4600000000100001"
    assert row["item_name"] == "زيت زيتون بكر ممتاز 1 لتر"
    assert row["item_code"] == "OIL-1L"
    assert row["sale_price"] == Decimal("40")
    assert await fetch("products") == []
    assert len(await fetch("stock_levels")) == 2  # not remapped: the default erp table
    insert, update = await audit("4600000000100001")
    assert insert["erp_table"] == "inventory.items"
    assert update["changed_fields"] == ["source_modified_at", "rate"]  # logical names in the audit


async def test_remapped_deletes_and_stale_versions(legacy, apply, fetch):
    await apply(version_of("item", z.T1), using=legacy)
    assert await apply(version_of("item", z.T0, rate=1), using=legacy) == [Outcome.STALE]
    assert await apply(delete_of("item", z.T2), using=legacy) == [Outcome.DELETED]
    (row,) = await fetch("inventory.items")
    assert (row["is_deleted"], row["sale_price"]) == (True, Decimal("35.5"))


async def test_documents_and_lines_land_in_the_remapped_tables(legacy, apply, fetch):
    assert await apply(version_of("invoice", z.T0), using=legacy) == [Outcome.INSERTED]
    lines = z.detail("invoice")["line_items"][:1]
    assert await apply(version_of("invoice", z.T1, line_items=lines), using=legacy) == [Outcome.UPDATED]
    (header,) = await fetch("sales.invoice_headers")
    assert header["doc_no"] == "INV-000123"
    (line,) = await fetch("sales.invoice_rows")
    assert (line["invoice_ref"], line["line_no"], line["name"]) == ("4600000000400001", 1, "زيت زيتون")
    assert await fetch("invoices") == []
