"""dashboard: indexes that keep its pages bounded on a large queue, and a reason for discarded dead letters

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 15:45:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "tds_dead_letter_queue", sa.Column("discarded_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("tds_dead_letter_queue", sa.Column("discard_reason", sa.Text(), nullable=True))
    op.create_index("ix_tds_dead_letter_queue_job", "tds_dead_letter_queue", ["queue_job_id"], unique=False)
    op.create_index(
        "ix_tds_dead_letter_queue_inbox", "tds_dead_letter_queue", ["inbox_event_id"], unique=False
    )
    op.create_index("ix_tds_sync_queue_status_id", "tds_sync_queue", ["status", "id"], unique=False)
    op.create_index(
        "ix_tds_sync_queue_entity_status_id", "tds_sync_queue", ["entity", "status", "id"], unique=False
    )
    op.create_index("ix_tds_inbox_events_entity_id", "tds_inbox_events", ["entity_id"], unique=False)
    op.create_index("ix_tds_audit_trail_job", "tds_audit_trail", ["queue_job_id"], unique=False)
    op.create_index("ix_tds_sync_logs_job", "tds_sync_logs", ["queue_job_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_tds_sync_logs_job", table_name="tds_sync_logs")
    op.drop_index("ix_tds_audit_trail_job", table_name="tds_audit_trail")
    op.drop_index("ix_tds_inbox_events_entity_id", table_name="tds_inbox_events")
    op.drop_index("ix_tds_sync_queue_entity_status_id", table_name="tds_sync_queue")
    op.drop_index("ix_tds_sync_queue_status_id", table_name="tds_sync_queue")
    op.drop_index("ix_tds_dead_letter_queue_inbox", table_name="tds_dead_letter_queue")
    op.drop_index("ix_tds_dead_letter_queue_job", table_name="tds_dead_letter_queue")
    op.drop_column("tds_dead_letter_queue", "discard_reason")
    op.drop_column("tds_dead_letter_queue", "discarded_at")
