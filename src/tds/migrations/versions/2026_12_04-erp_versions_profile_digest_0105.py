"""tds_erp_versions keeps the digest of the profile each record's rows were written under

Revision ID: 0105
Revises: 0104
Create Date: 2026-12-04 17:20:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tds.migrations.runner import own_schema

revision: str = "0105"
down_revision: str | None = "0104"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # ALTER TABLE is rendered by Alembic itself, outside the schema translation: name the real schema.
    op.add_column(
        "tds_erp_versions", sa.Column("profile_digest", sa.Text(), nullable=True), schema=own_schema()
    )


def downgrade() -> None:
    op.drop_column("tds_erp_versions", "profile_digest", schema=own_schema())
