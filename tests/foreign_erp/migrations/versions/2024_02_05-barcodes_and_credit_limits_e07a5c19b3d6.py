"""Barcodes on products, credit limits on customers, and a third currency.

Revision ID: e07a5c19b3d6
Revises: 4c81f0b7e215
Create Date: 2024-02-05 09:03:27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "e07a5c19b3d6"
down_revision = "4c81f0b7e215"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("products", sa.Column("barcode", sa.String(64)), schema="public")
    op.create_index("products_barcode_idx", "products", ["barcode"], unique=True, schema="public")
    op.add_column(
        "customers",
        sa.Column("credit_limit", sa.Numeric(14, 2), nullable=False, server_default="0"),
        schema="public",
    )
    # PostgreSQL 12+ adds an enum value inside a transaction (usable once it commits).
    op.execute("ALTER TYPE public.currencyenum ADD VALUE IF NOT EXISTS 'EUR'")


def downgrade() -> None:
    # An enum value cannot be dropped; EUR stays.
    op.drop_column("customers", "credit_limit", schema="public")
    op.drop_index("products_barcode_idx", table_name="products", schema="public")
    op.drop_column("products", "barcode", schema="public")
