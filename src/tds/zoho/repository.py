"""Zoho state shared by processes in tds_configuration: the daily call budget and token refreshes."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tds.db.engine import transaction
from tds.db.schema import tds_text

BUDGET_KEY = "zoho.daily_budget"
BUDGET_DESCRIPTION = "Zoho Books API calls made today (UTC), counted by the API client"

# Counts one call for :day unless :budget is reached (a new day starts at 1); returns the new count,
# or no row when the budget is spent. One statement, so concurrent processes never overspend.
SPEND_SQL = tds_text(
    """
    INSERT INTO tds.tds_configuration AS c (key, value, description, updated_at)
    VALUES (:key, jsonb_build_object('date', CAST(:day AS text), 'used', 1), :description, now())
    ON CONFLICT (key) DO UPDATE
    SET value = jsonb_build_object(
            'date', CAST(:day AS text),
            'used', CASE WHEN c.value ->> 'date' = CAST(:day AS text)
                         THEN COALESCE(CAST(c.value ->> 'used' AS integer), 0) + 1
                         ELSE 1 END),
        updated_at = now()
    WHERE c.value ->> 'date' IS DISTINCT FROM CAST(:day AS text)
       OR COALESCE(CAST(c.value ->> 'used' AS integer), 0) < CAST(:budget AS integer)
    RETURNING CAST(value ->> 'used' AS integer) AS used
    """
)

# The calls counted for :day (no row, or another day's row, means none).
USED_SQL = tds_text(
    """
    SELECT CASE WHEN value ->> 'date' = CAST(:day AS text)
                THEN COALESCE(CAST(value ->> 'used' AS integer), 0) ELSE 0 END AS used
    FROM tds.tds_configuration
    WHERE key = :key
    """
)


class BudgetRepository:
    """Reads and spends the day's call count inside the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def try_spend(self, day: date, limit: int) -> int | None:
        result = await self.session.execute(
            SPEND_SQL,
            {"key": BUDGET_KEY, "day": day.isoformat(), "budget": limit, "description": BUDGET_DESCRIPTION},
        )
        used = result.scalar_one_or_none()
        return int(used) if used is not None else None

    async def used(self, day: date) -> int:
        result = await self.session.execute(USED_SQL, {"key": BUDGET_KEY, "day": day.isoformat()})
        used = result.scalar_one_or_none()
        return int(used) if used is not None else 0


class PostgresBudgetStore:
    """A BudgetStore shared by every process of the installation.

    Each spend commits in its own short transaction: a call made to Zoho is spent whatever becomes
    of the caller's unit of work, so the count must not roll back with it.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def try_spend(self, day: date, limit: int) -> int | None:
        async with transaction(self._sessions) as session:
            return await BudgetRepository(session).try_spend(day, limit)

    async def used(self, day: date) -> int:
        async with transaction(self._sessions) as session:
            return await BudgetRepository(session).used(day)


TOKEN_KEY = "zoho.token_refresh"
TOKEN_DESCRIPTION = "Outcome of the Zoho access-token refreshes, recorded by every process"

# Counts one more failed refresh in a row, keeping the last success time.
TOKEN_FAILED_SQL = tds_text(
    """
    INSERT INTO tds.tds_configuration AS c (key, value, description, updated_at)
    VALUES (:key, jsonb_build_object('consecutive_failures', 1, 'last_error', CAST(:error AS text),
                                     'last_failure_at', now()), :description, now())
    ON CONFLICT (key) DO UPDATE
    SET value = c.value || jsonb_build_object(
            'consecutive_failures', COALESCE(CAST(c.value ->> 'consecutive_failures' AS integer), 0) + 1,
            'last_error', CAST(:error AS text), 'last_failure_at', now()),
        updated_at = now()
    """
)

# A refresh worked: the run of failures ends (the last error stays for the record).
TOKEN_REFRESHED_SQL = tds_text(
    """
    INSERT INTO tds.tds_configuration AS c (key, value, description, updated_at)
    VALUES (:key, jsonb_build_object('consecutive_failures', 0, 'last_success_at', now()),
            :description, now())
    ON CONFLICT (key) DO UPDATE
    SET value = c.value || jsonb_build_object('consecutive_failures', 0, 'last_success_at', now()),
        updated_at = now()
    """
)

TOKEN_READ_SQL = tds_text("SELECT value FROM tds.tds_configuration WHERE key = :key")


class TokenHealthRepository:
    """The token-refresh record inside the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def failed(self, error: str) -> None:
        params = {"key": TOKEN_KEY, "error": error[:500], "description": TOKEN_DESCRIPTION}
        await self.session.execute(TOKEN_FAILED_SQL, params)

    async def refreshed(self) -> None:
        await self.session.execute(TOKEN_REFRESHED_SQL, {"key": TOKEN_KEY, "description": TOKEN_DESCRIPTION})

    async def read(self) -> dict[str, object]:
        value = (await self.session.execute(TOKEN_READ_SQL, {"key": TOKEN_KEY})).scalar_one_or_none()
        return dict(value) if isinstance(value, dict) else {}


class PostgresTokenObserver:
    """A TokenObserver that records refresh outcomes in PostgreSQL, each in its own short transaction."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def refreshed(self) -> None:
        async with transaction(self._sessions) as session:
            await TokenHealthRepository(session).refreshed()

    async def refresh_failed(self, error: str) -> None:
        async with transaction(self._sessions) as session:
            await TokenHealthRepository(session).failed(error)
