"""follow-ups: the worker's own Zoho calls, one active row per record and kind (tds_followups)

Revision ID: 0103
Revises: 0102
Create Date: 2026-12-04 16:56:06.162281
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0103"
down_revision: str | None = "0102"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tds_followups",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("zoho_id", sa.Text(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("status", sa.Text(), server_default="pending", nullable=False),
        sa.Column("run_after", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("requested_again", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'running', 'done', 'failed')", name=op.f("ck_tds_followups_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tds_followups")),
        schema="tds",
    )
    op.create_index(
        "ux_tds_followups_active",
        "tds_followups",
        ["kind", "entity", "zoho_id"],
        unique=True,
        schema="tds",
        postgresql_where=sa.text("status IN ('pending', 'running')"),
    )
    op.create_index(
        "ix_tds_followups_due",
        "tds_followups",
        ["priority", "run_after", "id"],
        unique=False,
        schema="tds",
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index(
        "ix_tds_followups_lease",
        "tds_followups",
        ["locked_until"],
        unique=False,
        schema="tds",
        postgresql_where=sa.text("status = 'running'"),
    )
    op.create_index(
        "ix_tds_followups_finished",
        "tds_followups",
        ["finished_at"],
        unique=False,
        schema="tds",
        postgresql_where=sa.text("finished_at IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_tds_followups_finished", table_name="tds_followups", schema="tds")
    op.drop_index("ix_tds_followups_lease", table_name="tds_followups", schema="tds")
    op.drop_index("ix_tds_followups_due", table_name="tds_followups", schema="tds")
    op.drop_index("ux_tds_followups_active", table_name="tds_followups", schema="tds")
    op.drop_table("tds_followups", schema="tds")
