"""Catalogue and customers: products (priced in an enum currency, touched by a trigger) and customers.

Revision ID: 9d2d52e3d8a3
Revises:
Create Date: 2023-04-11 10:12:03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "9d2d52e3d8a3"
down_revision = None
branch_labels = None
depends_on = None

CURRENCY = postgresql.ENUM("IQD", "USD", name="currencyenum", schema="public")

# Keeps products.updated_at current on every update, whoever writes the row.
TOUCH_FUNCTION = """
CREATE FUNCTION public.erp_touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$
"""
TOUCH_TRIGGER = """
CREATE TRIGGER products_touch_updated_at BEFORE UPDATE ON public.products
FOR EACH ROW EXECUTE FUNCTION public.erp_touch_updated_at()
"""


def upgrade() -> None:
    op.create_table(
        "products",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("zoho_item_id", sa.String(40)),
        sa.Column("sku", sa.String(50), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_ar", sa.String(200)),
        sa.Column("unit_price", sa.Numeric(12, 2)),
        sa.Column("currency", CURRENCY),
        sa.Column("stock", sa.Integer),
        sa.Column("is_active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("warehouse_note", sa.Text, nullable=False, server_default=""),
        sa.UniqueConstraint("zoho_item_id", name="products_zoho_item_id_key"),
        sa.UniqueConstraint("sku", name="products_sku_key"),
        schema="public",
    )
    op.create_table(
        "customers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("zoho_contact_id", sa.String(40)),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("phone", sa.String(20)),
        sa.Column("email", sa.String(200)),
        sa.Column("customer_code", sa.String(20)),
        sa.UniqueConstraint("zoho_contact_id", name="customers_zoho_contact_id_key"),
        sa.UniqueConstraint("customer_code", name="customers_customer_code_key"),
        schema="public",
    )
    op.execute(TOUCH_FUNCTION)
    op.execute(TOUCH_TRIGGER)


def downgrade() -> None:
    op.execute("DROP TRIGGER products_touch_updated_at ON public.products")
    op.execute("DROP FUNCTION public.erp_touch_updated_at()")
    op.drop_table("customers", schema="public")
    op.drop_table("products", schema="public")
    CURRENCY.drop(op.get_bind())
