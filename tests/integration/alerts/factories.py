"""Alert rows as the monitor writes them, for tests of the operator side."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

INSERT_ALERT = text("""
INSERT INTO tds.tds_alerts (rule, subject, severity, status, message, fired_at)
VALUES (:rule, :subject, :severity, :status, :message, now() - make_interval(secs => :age_s))
RETURNING id
""")


async def make_alert(
    sessions: async_sessionmaker[AsyncSession],
    *,
    rule: str = "queue_backlog",
    subject: str = "",
    severity: str = "warning",
    status: str = "open",
    message: str = "600 jobs pending",
    age_s: float = 0.0,
) -> int:
    """Inserts one alert and returns its id."""
    params = {
        "rule": rule,
        "subject": subject,
        "severity": severity,
        "status": status,
        "message": message,
        "age_s": age_s,
    }
    async with sessions() as session, session.begin():
        return int((await session.execute(INSERT_ALERT, params)).scalar_one())
