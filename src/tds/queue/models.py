"""Queue jobs and dead letters."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column

from tds.db.base import Base


class JobStatus(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    SUCCEEDED = "succeeded"
    SKIPPED = "skipped"
    DEAD = "dead"
    CANCELLED = "cancelled"


ACTIVE_STATUSES = (JobStatus.PENDING.value, JobStatus.PROCESSING.value)


class QueueJob(Base):
    """One unit of work: apply one inbox event to the ERP. `entity_key` orders work per record."""

    __tablename__ = "tds_sync_queue"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    inbox_event_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("tds_inbox_events.id", ondelete="CASCADE")
    )
    entity: Mapped[str] = mapped_column(Text)
    entity_key: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text, server_default=JobStatus.PENDING.value)
    priority: Mapped[int] = mapped_column(Integer, server_default="0")
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    max_attempts: Mapped[int] = mapped_column(Integer, server_default="4")
    run_after: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    locked_by: Mapped[str | None] = mapped_column(Text)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        # The claim's order (priority first, then oldest ready), so a claim reads only the rows it takes.
        Index(
            "ix_tds_sync_queue_ready",
            text("priority DESC"),
            "run_after",
            "id",
            postgresql_where=text("status = 'pending'"),
        ),
        Index(
            "ix_tds_sync_queue_active_key",
            "entity_key",
            "id",
            postgresql_where=text("status IN ('pending', 'processing')"),
        ),
        # At most one job of a record in processing, whatever the timing of intake commits and claims:
        # the database refuses the second one (the claim then retries and leaves it pending).
        Index(
            "ux_tds_sync_queue_one_processing_per_key",
            "entity_key",
            unique=True,
            postgresql_where=text("status = 'processing'"),
        ),
        Index("ix_tds_sync_queue_lease", "locked_until", postgresql_where=text("status = 'processing'")),
        # The oldest waiting job in one index probe (the backlog-age rule and /metrics).
        Index("ix_tds_sync_queue_pending_created", "created_at", postgresql_where=text("status = 'pending'")),
        Index("ix_tds_sync_queue_inbox", "inbox_event_id"),
        Index("ix_tds_sync_queue_status_updated", "status", "updated_at"),
        # The dashboard's queue pages: newest jobs of one status, or of one entity in one status.
        Index("ix_tds_sync_queue_status_id", "status", "id"),
        Index("ix_tds_sync_queue_entity_status_id", "entity", "status", "id"),
    )


class DeadLetter(Base):
    """A job that used up its attempts (or failed permanently), kept with its error for triage."""

    __tablename__ = "tds_dead_letter_queue"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    queue_job_id: Mapped[int | None] = mapped_column(BigInteger)
    inbox_event_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("tds_inbox_events.id", ondelete="CASCADE")
    )
    entity: Mapped[str] = mapped_column(Text)
    entity_key: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer)
    error: Mapped[str] = mapped_column(Text)
    traceback: Mapped[str | None] = mapped_column(Text)
    verdict: Mapped[str | None] = mapped_column(Text)  # transient, permanent, ... (worker/classify.py)
    failed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    replayed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    discarded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    discard_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_tds_dead_letter_queue_open", "failed_at", postgresql_where=text("resolved_at IS NULL")),
        Index("ix_tds_dead_letter_queue_job", "queue_job_id"),
        Index("ix_tds_dead_letter_queue_inbox", "inbox_event_id"),
    )
