"""Tests for the PostgreSQL daily budget store (tds.tds_configuration key zoho.daily_budget)."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlalchemy import text

from tds.db.engine import transaction
from tds.zoho.repository import BUDGET_KEY, PostgresBudgetStore

DAY = date(2026, 3, 1)


async def stored(sessions) -> object:
    async with transaction(sessions) as session:
        result = await session.execute(
            text("SELECT value FROM tds.tds_configuration WHERE key = :key"), {"key": BUDGET_KEY}
        )
        return result.scalar_one_or_none()


class TestPostgresBudgetStore:
    async def test_spending_is_counted_and_persisted(self, sessions):
        """Each spend adds one to the day's count, kept as {date, used} in tds_configuration."""
        store = PostgresBudgetStore(sessions)
        assert await store.used(DAY) == 0
        assert [await store.try_spend(DAY, 10) for _ in range(3)] == [1, 2, 3]
        assert await store.used(DAY) == 3
        assert await stored(sessions) == {"date": "2026-03-01", "used": 3}

    async def test_spent_budget_refuses_further_calls(self, sessions):
        """At the limit a spend returns None and the count stays at the limit."""
        store = PostgresBudgetStore(sessions)
        for _ in range(2):
            await store.try_spend(DAY, 2)
        assert await store.try_spend(DAY, 2) is None
        assert await store.used(DAY) == 2

    async def test_a_new_day_starts_from_one(self, sessions):
        """The first spend of a new day resets the count, and the old day reads as a fresh one."""
        store = PostgresBudgetStore(sessions)
        for _ in range(2):
            await store.try_spend(DAY, 2)
        assert await store.try_spend(date(2026, 3, 2), 2) == 1
        assert await store.used(date(2026, 3, 2)) == 1
        assert await stored(sessions) == {"date": "2026-03-02", "used": 1}

    async def test_concurrent_spenders_never_overspend(self, sessions):
        """Twenty concurrent spends against a budget of 15 grant exactly 15."""
        store = PostgresBudgetStore(sessions)
        results = await asyncio.gather(*(store.try_spend(DAY, 15) for _ in range(20)))
        granted = sorted(r for r in results if r is not None)
        assert granted == list(range(1, 16))
        assert await store.used(DAY) == 15

    async def test_count_survives_the_callers_rollback(self, sessions):
        """A spend is committed on its own, so a caller's failed unit of work cannot undo it."""
        store = PostgresBudgetStore(sessions)

        async def failing_unit_of_work() -> None:
            async with transaction(sessions):
                await store.try_spend(DAY, 5)
                raise RuntimeError("the caller's work failed")

        with pytest.raises(RuntimeError):
            await failing_unit_of_work()
        assert await store.used(DAY) == 1
