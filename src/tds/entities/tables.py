"""The default ERP schema (`erp.*`), as SQLAlchemy Core tables; configuration may remap the names.

Every record table shares the sync columns: `zoho_id` (primary key), `source_modified_at` (Zoho's
`last_modified_time`, the version), `content_hash` (of the mapped row, for change detection),
`is_deleted`/`deleted_at`, `raw` (the Zoho record as last applied) and `synced_at`.
Line tables hang off their document by `document_zoho_id` and are replaced with the document.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    Table,
    Text,
    false,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.schema import SchemaItem

from tds.db.base import NAMING_CONVENTION

ERP_SCHEMA = "erp"
ERP_METADATA = MetaData(schema=ERP_SCHEMA, naming_convention=NAMING_CONVENTION)

MONEY = Numeric(20, 6)


def _sync_columns() -> list[Column[object]]:
    return [
        Column("zoho_id", Text, primary_key=True),
        Column("source_modified_at", DateTime(timezone=True)),
        Column("content_hash", Text, nullable=False),
        Column("is_deleted", Boolean, nullable=False, server_default=false()),
        Column("deleted_at", DateTime(timezone=True)),
        Column("raw", JSONB),
        Column("zoho_created_at", DateTime(timezone=True)),
        Column("synced_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    ]


def _record_table(name: str, *items: SchemaItem) -> Table:
    return Table(name, ERP_METADATA, *_sync_columns(), *items)


def _contact_columns() -> list[Column[object]]:
    return [
        Column("name", Text),
        Column("company_name", Text),
        Column("contact_sub_type", Text),
        Column("email", Text),
        Column("phone", Text),
        Column("mobile", Text),
        Column("status", Text),
        Column("currency_code", Text),
        Column("payment_terms", Integer),
        Column("credit_limit", MONEY),
        Column("outstanding_amount", MONEY),
        Column("tax_reg_no", Text),
        Column("billing_address", JSONB),
        Column("shipping_address", JSONB),
        Column("contact_persons", JSONB),
        Column("custom_fields", JSONB),
        Column("notes", Text),
    ]


def _document_columns(number: str, party: str) -> list[Column[object]]:
    return [
        Column(number, Text),
        Column(f"{party}_zoho_id", Text),
        Column(f"{party}_name", Text),
        Column("status", Text),
        Column("date", Date),
        Column("reference_number", Text),
        Column("currency_code", Text),
        Column("exchange_rate", MONEY),
        Column("sub_total", MONEY),
        Column("tax_total", MONEY),
        Column("discount", MONEY),
        Column("total", MONEY),
        Column("location_zoho_id", Text),
        Column("notes", Text),
        Column("custom_fields", JSONB),
    ]


def _lines_table(name: str, parent: str) -> Table:
    return Table(
        name,
        ERP_METADATA,
        Column("id", BigInteger, primary_key=True),
        Column("document_zoho_id", Text, ForeignKey(f"{parent}.zoho_id", ondelete="CASCADE"), nullable=False),
        Column("line_no", Integer, nullable=False),
        Column("line_item_zoho_id", Text),
        Column("item_zoho_id", Text),
        Column("name", Text),
        Column("description", Text),
        Column("sku", Text),
        Column("quantity", MONEY),
        Column("unit", Text),
        Column("rate", MONEY),
        Column("discount", MONEY),
        Column("tax_zoho_id", Text),
        Column("tax_percentage", MONEY),
        Column("item_total", MONEY),
        Column("warehouse_zoho_id", Text),
        Column("custom_fields", JSONB),
        Index(f"ix_{name}_document", "document_zoho_id", "line_no"),
    )


products = _record_table(
    "products",
    Column("name", Text),
    Column("sku", Text),
    Column("description", Text),
    Column("status", Text),
    Column("unit", Text),
    Column("rate", MONEY),
    Column("purchase_rate", MONEY),
    Column("item_type", Text),
    Column("product_type", Text),
    Column("tax_zoho_id", Text),
    Column("tax_percentage", MONEY),
    Column("stock_on_hand", MONEY),
    Column("available_stock", MONEY),
    Column("reorder_level", MONEY),
    Column("brand", Text),
    Column("manufacturer", Text),
    Column("upc", Text),
    Column("ean", Text),
    Column("image_document_id", Text),
    Column("image_name", Text),
    Column("custom_fields", JSONB),
    Index("ix_products_sku", "sku"),
)

customers = _record_table(
    "customers",
    *_contact_columns(),
)
vendors = _record_table(
    "vendors",
    *_contact_columns(),
)

invoices = _record_table(
    "invoices",
    *_document_columns("invoice_number", "customer"),
    Column("due_date", Date),
    Column("balance", MONEY),
    Column("salesperson_name", Text),
    Column("billing_address", JSONB),
    Column("shipping_address", JSONB),
    Index("ix_invoices_customer", "customer_zoho_id"),
)
invoice_lines = _lines_table("invoice_lines", "invoices")

bills = _record_table(
    "bills",
    *_document_columns("bill_number", "vendor"),
    Column("due_date", Date),
    Column("balance", MONEY),
    Index("ix_bills_vendor", "vendor_zoho_id"),
)
bill_lines = _lines_table("bill_lines", "bills")

credit_notes = _record_table(
    "credit_notes",
    *_document_columns("creditnote_number", "customer"),
    Column("balance", MONEY),
    Index("ix_credit_notes_customer", "customer_zoho_id"),
)
credit_note_lines = _lines_table("credit_note_lines", "credit_notes")

sales_orders = _record_table(
    "sales_orders",
    *_document_columns("salesorder_number", "customer"),
    Column("shipment_date", Date),
    Column("order_status", Text),
    Column("invoiced_status", Text),
    Column("paid_status", Text),
    Column("salesperson_name", Text),
    Column("billing_address", JSONB),
    Column("shipping_address", JSONB),
    Index("ix_sales_orders_customer", "customer_zoho_id"),
)
sales_order_lines = _lines_table("sales_order_lines", "sales_orders")

payments = _record_table(
    "payments",
    Column("payment_kind", Text, nullable=False),
    Column("payment_number", Text),
    Column("contact_zoho_id", Text),
    Column("contact_name", Text),
    Column("date", Date),
    Column("amount", MONEY),
    Column("unused_amount", MONEY),
    Column("payment_mode", Text),
    Column("reference_number", Text),
    Column("description", Text),
    Column("currency_code", Text),
    Column("exchange_rate", MONEY),
    Column("account_name", Text),
    Column("applications", JSONB),
    Column("custom_fields", JSONB),
    Index("ix_payments_contact", "contact_zoho_id"),
)

price_lists = _record_table(
    "price_lists",
    Column("name", Text),
    Column("description", Text),
    Column("currency_code", Text),
    Column("status", Text),
    Column("pricebook_type", Text),
    Column("sales_or_purchase_type", Text),
    Column("percentage", MONEY),
    Column("is_increase", Boolean),
    Column("rounding_type", Text),
    Column("is_default", Boolean),
)
price_list_items = Table(
    "price_list_items",
    ERP_METADATA,
    Column(
        "price_list_zoho_id", Text, ForeignKey("price_lists.zoho_id", ondelete="CASCADE"), primary_key=True
    ),
    Column("item_zoho_id", Text, primary_key=True),
    Column("name", Text),
    Column("sku", Text),
    Column("rate", MONEY),
    Column("price_list_rate", MONEY),
    Column("price_brackets", JSONB),
)

stock_levels = Table(
    "stock_levels",
    ERP_METADATA,
    Column("item_zoho_id", Text, primary_key=True),
    Column("warehouse_zoho_id", Text, primary_key=True),
    Column("warehouse_name", Text),
    Column("stock_on_hand", MONEY),
    Column("available_stock", MONEY),
    Column("actual_available_stock", MONEY),
    Column("committed_stock", MONEY),
    Column("source_modified_at", DateTime(timezone=True)),
    Column("synced_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

stock_adjustments = _record_table(
    "stock_adjustments",
    Column("date", Date),
    Column("reason", Text),
    Column("adjustment_type", Text),
    Column("status", Text),
    Column("reference_number", Text),
    Column("description", Text),
    Column("total", MONEY),
    Column("lines", JSONB),
)

warehouses = _record_table(
    "warehouses",
    Column("name", Text),
    Column("status", Text),
    Column("is_primary", Boolean),
    Column("email", Text),
    Column("phone", Text),
    Column("address", JSONB),
)

users = _record_table(
    "users",
    Column("name", Text),
    Column("email", Text),
    Column("status", Text),
    Column("role", Text),
    Column("user_type", Text),
    Column("is_employee", Boolean),
)
