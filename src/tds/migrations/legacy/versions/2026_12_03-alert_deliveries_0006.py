"""alerts: the deliveries of notices to channels, written with the alert change that caused them

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "tds_alert_deliveries",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("alert_id", sa.BigInteger(), nullable=True),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("notice", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("status", sa.Text(), server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("claimed_until", TS, server_default=sa.text("now()"), nullable=False),
        sa.Column("created_at", TS, server_default=sa.text("now()"), nullable=False),
        sa.Column("finished_at", TS, nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'given_up')", name=op.f("ck_tds_alert_deliveries_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tds_alert_deliveries")),
    )
    op.create_index(
        "ix_tds_alert_deliveries_pending",
        "tds_alert_deliveries",
        ["claimed_until"],
        unique=False,
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index("ix_tds_alert_deliveries_alert", "tds_alert_deliveries", ["alert_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_tds_alert_deliveries_alert", table_name="tds_alert_deliveries")
    op.drop_index(
        "ix_tds_alert_deliveries_pending",
        table_name="tds_alert_deliveries",
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.drop_table("tds_alert_deliveries")
