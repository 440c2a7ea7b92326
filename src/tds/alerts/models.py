"""Raised alerts and sampled metrics."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, DateTime, Float, Index, Integer, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from tds.db.base import Base


class AlertStatus(StrEnum):
    """open -> acknowledged -> resolved; open -> resolved."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class Alert(Base):
    """One firing of a rule for one subject; active (open or acknowledged) until resolved."""

    __tablename__ = "tds_alerts"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    rule: Mapped[str] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(Text, server_default="")
    severity: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text, server_default=AlertStatus.OPEN.value)
    message: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    fired_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    notified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    notifications: Mapped[int] = mapped_column(Integer, server_default="0")
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acknowledged_by: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint("status IN ('open', 'acknowledged', 'resolved')", name="status"),
        CheckConstraint("severity IN ('warning', 'critical')", name="severity"),
        # one active alert per rule and subject: a persisting condition updates it, never duplicates it
        Index(
            "ux_tds_alerts_active",
            "rule",
            "subject",
            unique=True,
            postgresql_where=text("status <> 'resolved'"),
        ),
        Index("ix_tds_alerts_fired_at", "fired_at"),
    )


class MetricSample(Base):
    """A point-in-time value of a named metric (queue depth, lag) for trends and alert rules."""

    __tablename__ = "tds_metrics"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    value: Mapped[float] = mapped_column(Float)
    labels: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    sampled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        Index("ix_tds_metrics_name_sampled", "name", "sampled_at"),
        Index("ix_tds_metrics_sampled_at", "sampled_at"),
    )


class AlertDelivery(Base):
    """One notice to one channel, written with the alert change that caused it: a delivery the
    process did not finish (it stopped, or crashed) is still here, pending, for the next monitor."""

    __tablename__ = "tds_alert_deliveries"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    alert_id: Mapped[int | None] = mapped_column(BigInteger)
    channel: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    notice: Mapped[dict[str, Any]] = mapped_column(JSONB)
    status: Mapped[str] = mapped_column(Text, server_default="pending")
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    # Until when the process that took the delivery has it; past that, another process may take it.
    claimed_until: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sent', 'given_up')", name="status"),
        Index(
            "ix_tds_alert_deliveries_pending", "claimed_until", postgresql_where=text("status = 'pending'")
        ),
        Index("ix_tds_alert_deliveries_alert", "alert_id"),
    )
