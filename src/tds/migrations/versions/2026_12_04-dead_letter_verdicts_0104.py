"""dead letters keep the classifier's verdict (transient, permanent, ...), which the healer retries by

Revision ID: 0104
Revises: 0103
Create Date: 2026-12-04 16:49:37.362494
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tds.migrations.runner import own_schema

revision: str = "0104"
down_revision: str | None = "0103"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # ALTER TABLE is rendered by Alembic itself, outside the schema translation: name the real schema.
    op.add_column(
        "tds_dead_letter_queue", sa.Column("verdict", sa.Text(), nullable=True), schema=own_schema()
    )


def downgrade() -> None:
    op.drop_column("tds_dead_letter_queue", "verdict", schema=own_schema())
