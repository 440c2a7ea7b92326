"""reconciliation: runs and the differences each found

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 16:20:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COUNTERS = ("zoho_records", "erp_records", "missing", "deleted", "drift", "invalid", "repaired", "api_calls")


def upgrade() -> None:
    op.create_table(
        "tds_reconcile_runs",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("repair", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("status", sa.Text(), server_default="running", nullable=False),
        *(sa.Column(name, sa.Integer(), server_default="0", nullable=False) for name in _COUNTERS),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tds_reconcile_runs")),
    )
    op.create_index(
        "ix_tds_reconcile_runs_entity_started", "tds_reconcile_runs", ["entity", "started_at"], unique=False
    )
    op.create_table(
        "tds_reconcile_differences",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("run_id", sa.BigInteger(), nullable=False),
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("zoho_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column(
            "fields",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "detail",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("repair", sa.Text(), nullable=True),
        sa.Column("found_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["tds_reconcile_runs.id"],
            name=op.f("fk_tds_reconcile_differences_run_id_tds_reconcile_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tds_reconcile_differences")),
    )
    op.create_index(
        "ix_tds_reconcile_differences_run", "tds_reconcile_differences", ["run_id", "kind"], unique=False
    )
    op.create_index(
        "ix_tds_reconcile_differences_record",
        "tds_reconcile_differences",
        ["entity", "zoho_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("tds_reconcile_differences")
    op.drop_table("tds_reconcile_runs")
