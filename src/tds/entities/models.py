"""The audit trail: one row per ERP change, written in the same transaction as the change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Index, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from tds.db.base import Base


class AuditEntry(Base):
    """Before/after of one ERP row change (`action`: insert, update, delete)."""

    __tablename__ = "tds_audit_trail"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    entity: Mapped[str] = mapped_column(Text)
    entity_id: Mapped[str] = mapped_column(Text)
    erp_table: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    changed_fields: Mapped[list[str] | None] = mapped_column(JSONB)
    inbox_event_id: Mapped[int | None] = mapped_column(BigInteger)
    queue_job_id: Mapped[int | None] = mapped_column(BigInteger)
    source: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        Index("ix_tds_audit_trail_entity", "entity", "entity_id", "changed_at"),
        Index("ix_tds_audit_trail_changed_at", "changed_at"),
        Index("ix_tds_audit_trail_job", "queue_job_id"),
    )
