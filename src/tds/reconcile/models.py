"""Reconciliation runs and the differences each found (kept as history, never overwritten)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from tds.db.base import Base


class ReconcileRun(Base):
    """One comparison of one entity (or the ERP-side checks) between Zoho and the ERP."""

    __tablename__ = "tds_reconcile_runs"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    entity: Mapped[str] = mapped_column(Text)
    repair: Mapped[bool] = mapped_column(server_default=text("false"))
    status: Mapped[str] = mapped_column(Text, server_default="running")
    zoho_records: Mapped[int] = mapped_column(Integer, server_default="0")
    erp_records: Mapped[int] = mapped_column(Integer, server_default="0")
    missing: Mapped[int] = mapped_column(Integer, server_default="0")
    deleted: Mapped[int] = mapped_column(Integer, server_default="0")
    drift: Mapped[int] = mapped_column(Integer, server_default="0")
    invalid: Mapped[int] = mapped_column(Integer, server_default="0")
    repaired: Mapped[int] = mapped_column(Integer, server_default="0")
    api_calls: Mapped[int] = mapped_column(Integer, server_default="0")
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_tds_reconcile_runs_entity_started", "entity", "started_at"),)


class ReconcileDifference(Base):
    """One record that differs: `kind` missing, deleted, drift or invalid, and the fields concerned."""

    __tablename__ = "tds_reconcile_differences"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    run_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tds_reconcile_runs.id", ondelete="CASCADE"))
    entity: Mapped[str] = mapped_column(Text)
    zoho_id: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    fields: Mapped[list[str]] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    detail: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    repair: Mapped[str | None] = mapped_column(Text)
    found_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        Index("ix_tds_reconcile_differences_run", "run_id", "kind"),
        Index("ix_tds_reconcile_differences_record", "entity", "zoho_id"),
    )
