"""the default ERP schema (erp.*), applied when the profile writes it

Revision ID: 0101
Revises:
Create Date: 2026-12-04 16:27:01.111418
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from tds.db.migration_lock import ensure_schema

revision: str = "0101"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = ("erp",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    ensure_schema(op.get_bind(), "erp")
    op.create_table(
        "bills",
        sa.Column("zoho_id", sa.Text(), nullable=False),
        sa.Column("source_modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("raw", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("zoho_created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("bill_number", sa.Text(), nullable=True),
        sa.Column("vendor_zoho_id", sa.Text(), nullable=True),
        sa.Column("vendor_name", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("reference_number", sa.Text(), nullable=True),
        sa.Column("currency_code", sa.Text(), nullable=True),
        sa.Column("exchange_rate", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("sub_total", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("tax_total", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("discount", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("total", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("location_zoho_id", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("custom_fields", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("balance", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.PrimaryKeyConstraint("zoho_id", name=op.f("pk_bills")),
        schema="erp",
    )
    op.create_index("ix_bills_vendor", "bills", ["vendor_zoho_id"], unique=False, schema="erp")
    op.create_table(
        "credit_notes",
        sa.Column("zoho_id", sa.Text(), nullable=False),
        sa.Column("source_modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("raw", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("zoho_created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("creditnote_number", sa.Text(), nullable=True),
        sa.Column("customer_zoho_id", sa.Text(), nullable=True),
        sa.Column("customer_name", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("reference_number", sa.Text(), nullable=True),
        sa.Column("currency_code", sa.Text(), nullable=True),
        sa.Column("exchange_rate", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("sub_total", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("tax_total", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("discount", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("total", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("location_zoho_id", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("custom_fields", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("balance", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.PrimaryKeyConstraint("zoho_id", name=op.f("pk_credit_notes")),
        schema="erp",
    )
    op.create_index(
        "ix_credit_notes_customer", "credit_notes", ["customer_zoho_id"], unique=False, schema="erp"
    )
    op.create_table(
        "customers",
        sa.Column("zoho_id", sa.Text(), nullable=False),
        sa.Column("source_modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("raw", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("zoho_created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("company_name", sa.Text(), nullable=True),
        sa.Column("contact_sub_type", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("mobile", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("currency_code", sa.Text(), nullable=True),
        sa.Column("payment_terms", sa.Integer(), nullable=True),
        sa.Column("credit_limit", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("outstanding_amount", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("tax_reg_no", sa.Text(), nullable=True),
        sa.Column("billing_address", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("shipping_address", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("contact_persons", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("custom_fields", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("zoho_id", name=op.f("pk_customers")),
        schema="erp",
    )
    op.create_table(
        "invoices",
        sa.Column("zoho_id", sa.Text(), nullable=False),
        sa.Column("source_modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("raw", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("zoho_created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("invoice_number", sa.Text(), nullable=True),
        sa.Column("customer_zoho_id", sa.Text(), nullable=True),
        sa.Column("customer_name", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("reference_number", sa.Text(), nullable=True),
        sa.Column("currency_code", sa.Text(), nullable=True),
        sa.Column("exchange_rate", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("sub_total", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("tax_total", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("discount", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("total", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("location_zoho_id", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("custom_fields", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("balance", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("salesperson_name", sa.Text(), nullable=True),
        sa.Column("billing_address", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("shipping_address", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.PrimaryKeyConstraint("zoho_id", name=op.f("pk_invoices")),
        schema="erp",
    )
    op.create_index("ix_invoices_customer", "invoices", ["customer_zoho_id"], unique=False, schema="erp")
    op.create_table(
        "payments",
        sa.Column("zoho_id", sa.Text(), nullable=False),
        sa.Column("source_modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("raw", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("zoho_created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("payment_kind", sa.Text(), nullable=False),
        sa.Column("payment_number", sa.Text(), nullable=True),
        sa.Column("contact_zoho_id", sa.Text(), nullable=True),
        sa.Column("contact_name", sa.Text(), nullable=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("unused_amount", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("payment_mode", sa.Text(), nullable=True),
        sa.Column("reference_number", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("currency_code", sa.Text(), nullable=True),
        sa.Column("exchange_rate", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("account_name", sa.Text(), nullable=True),
        sa.Column("applications", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("custom_fields", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.PrimaryKeyConstraint("zoho_id", name=op.f("pk_payments")),
        schema="erp",
    )
    op.create_index("ix_payments_contact", "payments", ["contact_zoho_id"], unique=False, schema="erp")
    op.create_table(
        "price_lists",
        sa.Column("zoho_id", sa.Text(), nullable=False),
        sa.Column("source_modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("raw", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("zoho_created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("currency_code", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("pricebook_type", sa.Text(), nullable=True),
        sa.Column("sales_or_purchase_type", sa.Text(), nullable=True),
        sa.Column("percentage", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("is_increase", sa.Boolean(), nullable=True),
        sa.Column("rounding_type", sa.Text(), nullable=True),
        sa.Column("is_default", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("zoho_id", name=op.f("pk_price_lists")),
        schema="erp",
    )
    op.create_table(
        "products",
        sa.Column("zoho_id", sa.Text(), nullable=False),
        sa.Column("source_modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("raw", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("zoho_created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("sku", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("rate", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("purchase_rate", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("item_type", sa.Text(), nullable=True),
        sa.Column("product_type", sa.Text(), nullable=True),
        sa.Column("tax_zoho_id", sa.Text(), nullable=True),
        sa.Column("tax_percentage", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("stock_on_hand", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("available_stock", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("reorder_level", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("brand", sa.Text(), nullable=True),
        sa.Column("manufacturer", sa.Text(), nullable=True),
        sa.Column("upc", sa.Text(), nullable=True),
        sa.Column("ean", sa.Text(), nullable=True),
        sa.Column("image_document_id", sa.Text(), nullable=True),
        sa.Column("image_name", sa.Text(), nullable=True),
        sa.Column("custom_fields", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.PrimaryKeyConstraint("zoho_id", name=op.f("pk_products")),
        schema="erp",
    )
    op.create_index("ix_products_sku", "products", ["sku"], unique=False, schema="erp")
    op.create_table(
        "sales_orders",
        sa.Column("zoho_id", sa.Text(), nullable=False),
        sa.Column("source_modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("raw", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("zoho_created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("salesorder_number", sa.Text(), nullable=True),
        sa.Column("customer_zoho_id", sa.Text(), nullable=True),
        sa.Column("customer_name", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("reference_number", sa.Text(), nullable=True),
        sa.Column("currency_code", sa.Text(), nullable=True),
        sa.Column("exchange_rate", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("sub_total", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("tax_total", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("discount", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("total", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("location_zoho_id", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("custom_fields", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("shipment_date", sa.Date(), nullable=True),
        sa.Column("order_status", sa.Text(), nullable=True),
        sa.Column("invoiced_status", sa.Text(), nullable=True),
        sa.Column("paid_status", sa.Text(), nullable=True),
        sa.Column("salesperson_name", sa.Text(), nullable=True),
        sa.Column("billing_address", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("shipping_address", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.PrimaryKeyConstraint("zoho_id", name=op.f("pk_sales_orders")),
        schema="erp",
    )
    op.create_index(
        "ix_sales_orders_customer", "sales_orders", ["customer_zoho_id"], unique=False, schema="erp"
    )
    op.create_table(
        "stock_adjustments",
        sa.Column("zoho_id", sa.Text(), nullable=False),
        sa.Column("source_modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("raw", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("zoho_created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("adjustment_type", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("reference_number", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("total", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("lines", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.PrimaryKeyConstraint("zoho_id", name=op.f("pk_stock_adjustments")),
        schema="erp",
    )
    op.create_table(
        "stock_levels",
        sa.Column("item_zoho_id", sa.Text(), nullable=False),
        sa.Column("warehouse_zoho_id", sa.Text(), nullable=False),
        sa.Column("warehouse_name", sa.Text(), nullable=True),
        sa.Column("stock_on_hand", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("available_stock", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("actual_available_stock", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("committed_stock", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("source_modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("item_zoho_id", "warehouse_zoho_id", name=op.f("pk_stock_levels")),
        schema="erp",
    )
    op.create_table(
        "users",
        sa.Column("zoho_id", sa.Text(), nullable=False),
        sa.Column("source_modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("raw", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("zoho_created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("role", sa.Text(), nullable=True),
        sa.Column("user_type", sa.Text(), nullable=True),
        sa.Column("is_employee", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("zoho_id", name=op.f("pk_users")),
        schema="erp",
    )
    op.create_table(
        "vendors",
        sa.Column("zoho_id", sa.Text(), nullable=False),
        sa.Column("source_modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("raw", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("zoho_created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("company_name", sa.Text(), nullable=True),
        sa.Column("contact_sub_type", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("mobile", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("currency_code", sa.Text(), nullable=True),
        sa.Column("payment_terms", sa.Integer(), nullable=True),
        sa.Column("credit_limit", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("outstanding_amount", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("tax_reg_no", sa.Text(), nullable=True),
        sa.Column("billing_address", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("shipping_address", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("contact_persons", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("custom_fields", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("zoho_id", name=op.f("pk_vendors")),
        schema="erp",
    )
    op.create_table(
        "warehouses",
        sa.Column("zoho_id", sa.Text(), nullable=False),
        sa.Column("source_modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("raw", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("zoho_created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("is_primary", sa.Boolean(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("address", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.PrimaryKeyConstraint("zoho_id", name=op.f("pk_warehouses")),
        schema="erp",
    )
    op.create_table(
        "bill_lines",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("document_zoho_id", sa.Text(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("line_item_zoho_id", sa.Text(), nullable=True),
        sa.Column("item_zoho_id", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("sku", sa.Text(), nullable=True),
        sa.Column("quantity", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("rate", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("discount", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("tax_zoho_id", sa.Text(), nullable=True),
        sa.Column("tax_percentage", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("item_total", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("warehouse_zoho_id", sa.Text(), nullable=True),
        sa.Column("custom_fields", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_zoho_id"],
            ["erp.bills.zoho_id"],
            name=op.f("fk_bill_lines_document_zoho_id_bills"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bill_lines")),
        schema="erp",
    )
    op.create_index(
        "ix_bill_lines_document", "bill_lines", ["document_zoho_id", "line_no"], unique=False, schema="erp"
    )
    op.create_table(
        "credit_note_lines",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("document_zoho_id", sa.Text(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("line_item_zoho_id", sa.Text(), nullable=True),
        sa.Column("item_zoho_id", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("sku", sa.Text(), nullable=True),
        sa.Column("quantity", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("rate", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("discount", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("tax_zoho_id", sa.Text(), nullable=True),
        sa.Column("tax_percentage", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("item_total", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("warehouse_zoho_id", sa.Text(), nullable=True),
        sa.Column("custom_fields", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_zoho_id"],
            ["erp.credit_notes.zoho_id"],
            name=op.f("fk_credit_note_lines_document_zoho_id_credit_notes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_note_lines")),
        schema="erp",
    )
    op.create_index(
        "ix_credit_note_lines_document",
        "credit_note_lines",
        ["document_zoho_id", "line_no"],
        unique=False,
        schema="erp",
    )
    op.create_table(
        "invoice_lines",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("document_zoho_id", sa.Text(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("line_item_zoho_id", sa.Text(), nullable=True),
        sa.Column("item_zoho_id", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("sku", sa.Text(), nullable=True),
        sa.Column("quantity", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("rate", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("discount", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("tax_zoho_id", sa.Text(), nullable=True),
        sa.Column("tax_percentage", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("item_total", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("warehouse_zoho_id", sa.Text(), nullable=True),
        sa.Column("custom_fields", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_zoho_id"],
            ["erp.invoices.zoho_id"],
            name=op.f("fk_invoice_lines_document_zoho_id_invoices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_lines")),
        schema="erp",
    )
    op.create_index(
        "ix_invoice_lines_document",
        "invoice_lines",
        ["document_zoho_id", "line_no"],
        unique=False,
        schema="erp",
    )
    op.create_table(
        "price_list_items",
        sa.Column("price_list_zoho_id", sa.Text(), nullable=False),
        sa.Column("item_zoho_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("sku", sa.Text(), nullable=True),
        sa.Column("rate", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("price_list_rate", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("price_brackets", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.ForeignKeyConstraint(
            ["price_list_zoho_id"],
            ["erp.price_lists.zoho_id"],
            name=op.f("fk_price_list_items_price_list_zoho_id_price_lists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("price_list_zoho_id", "item_zoho_id", name=op.f("pk_price_list_items")),
        schema="erp",
    )
    op.create_table(
        "sales_order_lines",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("document_zoho_id", sa.Text(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("line_item_zoho_id", sa.Text(), nullable=True),
        sa.Column("item_zoho_id", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("sku", sa.Text(), nullable=True),
        sa.Column("quantity", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("rate", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("discount", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("tax_zoho_id", sa.Text(), nullable=True),
        sa.Column("tax_percentage", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("item_total", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("warehouse_zoho_id", sa.Text(), nullable=True),
        sa.Column("custom_fields", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_zoho_id"],
            ["erp.sales_orders.zoho_id"],
            name=op.f("fk_sales_order_lines_document_zoho_id_sales_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_order_lines")),
        schema="erp",
    )
    op.create_index(
        "ix_sales_order_lines_document",
        "sales_order_lines",
        ["document_zoho_id", "line_no"],
        unique=False,
        schema="erp",
    )


def downgrade() -> None:
    op.drop_index("ix_sales_order_lines_document", table_name="sales_order_lines", schema="erp")
    op.drop_table("sales_order_lines", schema="erp")
    op.drop_table("price_list_items", schema="erp")
    op.drop_index("ix_invoice_lines_document", table_name="invoice_lines", schema="erp")
    op.drop_table("invoice_lines", schema="erp")
    op.drop_index("ix_credit_note_lines_document", table_name="credit_note_lines", schema="erp")
    op.drop_table("credit_note_lines", schema="erp")
    op.drop_index("ix_bill_lines_document", table_name="bill_lines", schema="erp")
    op.drop_table("bill_lines", schema="erp")
    op.drop_table("warehouses", schema="erp")
    op.drop_table("vendors", schema="erp")
    op.drop_table("users", schema="erp")
    op.drop_table("stock_levels", schema="erp")
    op.drop_table("stock_adjustments", schema="erp")
    op.drop_index("ix_sales_orders_customer", table_name="sales_orders", schema="erp")
    op.drop_table("sales_orders", schema="erp")
    op.drop_index("ix_products_sku", table_name="products", schema="erp")
    op.drop_table("products", schema="erp")
    op.drop_table("price_lists", schema="erp")
    op.drop_index("ix_payments_contact", table_name="payments", schema="erp")
    op.drop_table("payments", schema="erp")
    op.drop_index("ix_invoices_customer", table_name="invoices", schema="erp")
    op.drop_table("invoices", schema="erp")
    op.drop_table("customers", schema="erp")
    op.drop_index("ix_credit_notes_customer", table_name="credit_notes", schema="erp")
    op.drop_table("credit_notes", schema="erp")
    op.drop_index("ix_bills_vendor", table_name="bills", schema="erp")
    op.drop_table("bills", schema="erp")
