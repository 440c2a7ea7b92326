"""shadow mode: the outcome each event would have had (tds_shadow_outcomes)

Revision ID: 0102
Revises: 0100
Create Date: 2026-12-04 16:32:28.015854
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0102"
down_revision: str | None = "0100"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tds_shadow_outcomes",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("entity_id", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("queue_job_id", sa.BigInteger(), nullable=True),
        sa.Column("inbox_event_id", sa.BigInteger(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tds_shadow_outcomes")),
        schema="tds",
    )
    op.create_index(
        "ix_tds_shadow_outcomes_record",
        "tds_shadow_outcomes",
        ["entity", "entity_id", "id"],
        unique=False,
        schema="tds",
    )


def downgrade() -> None:
    op.drop_index("ix_tds_shadow_outcomes_record", table_name="tds_shadow_outcomes", schema="tds")
    op.drop_table("tds_shadow_outcomes", schema="tds")
