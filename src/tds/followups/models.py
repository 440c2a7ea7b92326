"""The follow-up queue: one row per Zoho call the worker owes a record."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, DateTime, Index, Integer, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column

from tds.db.base import Base
from tds.followups.kinds import FollowupStatus


class FollowupRow(Base):
    """One follow-up call (kind) for one record (entity, zoho_id), with its retries and outcome."""

    __tablename__ = "tds_followups"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(Text)
    entity: Mapped[str] = mapped_column(Text)
    zoho_id: Mapped[str] = mapped_column(Text)
    priority: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(Text, server_default=FollowupStatus.PENDING.value)
    run_after: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    # Asked for again while its call ran: the call may have read Zoho before the change, so the
    # record gets another follow-up when this one finishes.
    requested_again: Mapped[bool] = mapped_column(server_default=text("false"))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint("status IN ('pending', 'running', 'done', 'failed')", name="status"),
        # One active follow-up per record and kind: later requests coalesce into it.
        Index(
            "ux_tds_followups_active",
            "kind",
            "entity",
            "zoho_id",
            unique=True,
            postgresql_where=text("status IN ('pending', 'running')"),
        ),
        # The claim's order: highest priority (lowest number) first, then the longest due.
        Index(
            "ix_tds_followups_due", "priority", "run_after", "id", postgresql_where=text("status = 'pending'")
        ),
        Index("ix_tds_followups_lease", "locked_until", postgresql_where=text("status = 'running'")),
        # Retention and the /metrics counters read finished rows by their finishing time.
        Index("ix_tds_followups_finished", "finished_at", postgresql_where=text("finished_at IS NOT NULL")),
    )
