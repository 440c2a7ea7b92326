"""The audit trail (one row per ERP change, in the same transaction) and the ERP-side sync state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, DateTime, Index, Text, false, func
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


class ErpVersion(Base):
    """The sync state of one record written to an ERP's own tables (a `sync: tds` profile entity).

    Those tables have no column for Zoho's version or a content hash, so they live here, with the
    mapped row as last applied (`doc`: change detection, the audit's `before`, deletes) and the
    natural keys it was written under in each target table (`keys`: reading the ERP row back).
    `input_hash` fingerprints the record as it came (its payload and version, under the mapping
    code of the running release), so that the same record again is known unchanged without
    reading `doc`. `profile_digest` is the digest of the entity's profile the rows were written
    under (EntityPlan.digest): a record of another is rewritten when it comes again, and `tds erp
    check` counts them.
    """

    __tablename__ = "tds_erp_versions"

    entity: Mapped[str] = mapped_column(Text, primary_key=True)
    zoho_id: Mapped[str] = mapped_column(Text, primary_key=True)
    source_modified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    content_hash: Mapped[str] = mapped_column(Text)
    input_hash: Mapped[str | None] = mapped_column(Text)
    profile_digest: Mapped[str | None] = mapped_column(Text)
    is_deleted: Mapped[bool] = mapped_column(Boolean, server_default=false())
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    doc: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    keys: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ShadowOutcome(Base):
    """What one event would have done to the ERP in shadow mode (`erp.shadow`), where the handler's
    writes are rolled back: the outcome it reported (inserted, updated, unchanged, stale, deleted)."""

    __tablename__ = "tds_shadow_outcomes"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    entity: Mapped[str] = mapped_column(Text)
    entity_id: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(Text)
    queue_job_id: Mapped[int | None] = mapped_column(BigInteger)
    inbox_event_id: Mapped[int | None] = mapped_column(BigInteger)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (Index("ix_tds_shadow_outcomes_record", "entity", "entity_id", "id"),)
