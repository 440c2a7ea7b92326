"""Worker heartbeats and the processing log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Float, Index, Integer, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from tds.db.base import Base


class WorkerHeartbeat(Base):
    """One row per live worker process; a stale `last_seen_at` means a dead worker."""

    __tablename__ = "tds_worker_heartbeats"

    worker_id: Mapped[str] = mapped_column(Text, primary_key=True)
    hostname: Mapped[str] = mapped_column(Text)
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    state: Mapped[str] = mapped_column(Text, server_default="running")
    in_flight: Mapped[int] = mapped_column(Integer, server_default="0")
    processed: Mapped[int] = mapped_column(BigInteger, server_default="0")
    failed: Mapped[int] = mapped_column(BigInteger, server_default="0")
    breakers: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))


class SyncLog(Base):
    """What happened to a job on one attempt (applied, skipped as stale, failed, dead-lettered)."""

    __tablename__ = "tds_sync_logs"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    queue_job_id: Mapped[int | None] = mapped_column(BigInteger)
    inbox_event_id: Mapped[int | None] = mapped_column(BigInteger)
    entity: Mapped[str] = mapped_column(Text)
    entity_id: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(Text)
    message: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[float | None] = mapped_column(Float)
    worker_id: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        Index("ix_tds_sync_logs_created_at", "created_at"),
        Index("ix_tds_sync_logs_job", "queue_job_id"),
    )
