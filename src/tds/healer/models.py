"""What the healer did, one row per action, for the admin endpoint, /metrics and the stuck-work rule."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Index, Integer, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from tds.db.base import Base


class HealerAction(Base):
    """One healing step: `stuck_requeued` (count = jobs), `dlq_retried` / `dlq_refused` (one letter)."""

    __tablename__ = "tds_healer_actions"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    action: Mapped[str] = mapped_column(Text)
    count: Mapped[int] = mapped_column(Integer, server_default="1")
    dead_letter_id: Mapped[int | None] = mapped_column(BigInteger)
    inbox_event_id: Mapped[int | None] = mapped_column(BigInteger)
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        Index("ix_tds_healer_actions_action_at", "action", "at"),
        Index("ix_tds_healer_actions_inbox_event", "inbox_event_id"),
    )
