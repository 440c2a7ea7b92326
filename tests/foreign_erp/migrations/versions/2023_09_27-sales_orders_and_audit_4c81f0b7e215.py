"""Sales orders with their lines, and an audit of product changes written by a SECURITY DEFINER trigger.

Revision ID: 4c81f0b7e215
Revises: 9d2d52e3d8a3
Create Date: 2023-09-27 16:40:51
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "4c81f0b7e215"
down_revision = "9d2d52e3d8a3"
branch_labels = None
depends_on = None

ORDER_STATUS = postgresql.ENUM(
    "draft", "open", "invoiced", "partially_invoiced", "void", "closed", name="order_status", schema="public"
)

# Records every product change. SECURITY DEFINER: writers of products need no right on erp_audit.
AUDIT_FUNCTION = """
CREATE FUNCTION public.erp_audit_products() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_catalog AS $$
BEGIN
    INSERT INTO public.erp_audit (table_name, row_id, action, changed_by)
    VALUES (TG_TABLE_NAME, CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END, TG_OP, session_user);
    RETURN NULL;
END
$$
"""
AUDIT_TRIGGER = """
CREATE TRIGGER products_audit AFTER INSERT OR UPDATE OR DELETE ON public.products
FOR EACH ROW EXECUTE FUNCTION public.erp_audit_products()
"""


def upgrade() -> None:
    op.create_table(
        "sales_orders",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("zoho_salesorder_id", sa.String(40)),
        sa.Column("customer_id", sa.Integer, sa.ForeignKey("public.customers.id"), nullable=False),
        sa.Column("order_number", sa.String(50)),
        sa.Column("total", sa.Numeric(14, 2)),
        sa.Column("status", ORDER_STATUS, nullable=False, server_default="draft"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("zoho_salesorder_id", name="sales_orders_zoho_salesorder_id_key"),
        schema="public",
    )
    op.create_table(
        "sales_order_lines",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("order_id", sa.Integer, sa.ForeignKey("public.sales_orders.id", ondelete="CASCADE")),
        sa.Column("product_id", sa.Integer, sa.ForeignKey("public.products.id")),
        sa.Column("quantity", sa.Numeric),
        sa.Column("rate", sa.Numeric),
        schema="public",
    )
    op.create_table(
        "erp_audit",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("table_name", sa.Text, nullable=False),
        sa.Column("row_id", sa.Integer, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("changed_by", sa.Text, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema="public",
    )
    op.execute(AUDIT_FUNCTION)
    op.execute(AUDIT_TRIGGER)


def downgrade() -> None:
    op.execute("DROP TRIGGER products_audit ON public.products")
    op.execute("DROP FUNCTION public.erp_audit_products()")
    op.drop_table("erp_audit", schema="public")
    op.drop_table("sales_order_lines", schema="public")
    op.drop_table("sales_orders", schema="public")
    ORDER_STATUS.drop(op.get_bind())
