"""operations: the alert lifecycle (subject, status, acknowledgement, notification and escalation
times, one active alert per rule and subject), an index for metric pruning, the healer's action log,
the breakers each worker reports in its heartbeat, and an index for the oldest pending job

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 16:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    _alerts_up()
    op.create_index(
        "ix_tds_sync_queue_pending_created",
        "tds_sync_queue",
        ["created_at"],
        unique=False,
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.add_column(
        "tds_worker_heartbeats",
        sa.Column(
            "breakers",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
    )
    op.create_index("ix_tds_metrics_sampled_at", "tds_metrics", ["sampled_at"], unique=False)
    op.create_table(
        "tds_healer_actions",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("count", sa.Integer(), server_default="1", nullable=False),
        sa.Column("dead_letter_id", sa.BigInteger(), nullable=True),
        sa.Column("inbox_event_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "details",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("at", TS, server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tds_healer_actions")),
    )
    op.create_index("ix_tds_healer_actions_action_at", "tds_healer_actions", ["action", "at"], unique=False)
    op.create_index(
        "ix_tds_healer_actions_inbox_event", "tds_healer_actions", ["inbox_event_id"], unique=False
    )


def _alerts_up() -> None:
    op.drop_index(
        "ix_tds_alerts_open", table_name="tds_alerts", postgresql_where=sa.text("resolved_at IS NULL")
    )
    op.add_column("tds_alerts", sa.Column("subject", sa.Text(), server_default="", nullable=False))
    op.add_column("tds_alerts", sa.Column("status", sa.Text(), server_default="open", nullable=False))
    op.add_column(
        "tds_alerts", sa.Column("last_seen_at", TS, server_default=sa.text("now()"), nullable=False)
    )
    op.add_column("tds_alerts", sa.Column("notifications", sa.Integer(), server_default="0", nullable=False))
    op.add_column("tds_alerts", sa.Column("escalated_at", TS, nullable=True))
    op.add_column("tds_alerts", sa.Column("acknowledged_by", sa.Text(), nullable=True))
    op.add_column("tds_alerts", sa.Column("resolved_by", sa.Text(), nullable=True))
    # rows written before this revision: resolved ones keep their resolution, acknowledged ones theirs
    op.execute(
        "UPDATE tds_alerts SET status = CASE WHEN resolved_at IS NOT NULL THEN 'resolved' "
        "WHEN acknowledged_at IS NOT NULL THEN 'acknowledged' ELSE 'open' END"
    )
    op.create_check_constraint(
        op.f("ck_tds_alerts_status"), "tds_alerts", "status IN ('open', 'acknowledged', 'resolved')"
    )
    op.create_check_constraint(
        op.f("ck_tds_alerts_severity"), "tds_alerts", "severity IN ('warning', 'critical')"
    )
    op.create_index(
        "ux_tds_alerts_active",
        "tds_alerts",
        ["rule", "subject"],
        unique=True,
        postgresql_where=sa.text("status <> 'resolved'"),
    )
    op.create_index("ix_tds_alerts_fired_at", "tds_alerts", ["fired_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_tds_healer_actions_inbox_event", table_name="tds_healer_actions")
    op.drop_index("ix_tds_healer_actions_action_at", table_name="tds_healer_actions")
    op.drop_table("tds_healer_actions")
    op.drop_index("ix_tds_metrics_sampled_at", table_name="tds_metrics")
    op.drop_column("tds_worker_heartbeats", "breakers")
    op.drop_index(
        "ix_tds_sync_queue_pending_created",
        table_name="tds_sync_queue",
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.drop_index("ix_tds_alerts_fired_at", table_name="tds_alerts")
    op.drop_index(
        "ux_tds_alerts_active", table_name="tds_alerts", postgresql_where=sa.text("status <> 'resolved'")
    )
    op.drop_constraint(op.f("ck_tds_alerts_severity"), "tds_alerts", type_="check")
    op.drop_constraint(op.f("ck_tds_alerts_status"), "tds_alerts", type_="check")
    for column in (
        "resolved_by",
        "acknowledged_by",
        "escalated_at",
        "notifications",
        "last_seen_at",
        "status",
        "subject",
    ):
        op.drop_column("tds_alerts", column)
    op.create_index(
        "ix_tds_alerts_open",
        "tds_alerts",
        ["rule"],
        unique=False,
        postgresql_where=sa.text("resolved_at IS NULL"),
    )
