"""Tests for the per-minute pacer, the daily budget, backoff and the virtual clock."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, date, datetime
from itertools import pairwise

import pytest

from tds.errors import ZohoRateLimited
from tds.zoho.clock import ManualClock
from tds.zoho.ratelimit import DailyBudget, InMemoryBudgetStore, RateLimiter, backoff_delay


def most_in_any_window(times: list[float], window_s: float) -> int:
    """The largest number of times that fall in one half-open window [t, t + window_s)."""
    ordered = sorted(times)
    best, start = 0, 0
    for end, moment in enumerate(ordered):
        while moment >= ordered[start] + window_s:
            start += 1
        best = max(best, end - start + 1)
    return best


class TestPacer:
    @pytest.mark.parametrize("per_minute", [100, 7, 1000])
    def test_a_burst_never_exceeds_the_limit_in_any_window(self, per_minute):
        """However many calls arrive at once, no 60 s window gets more than the limit."""
        limiter = RateLimiter(per_minute, ManualClock())
        slots = [limiter.reserve() for _ in range(per_minute * 3 + 5)]
        assert all(later >= earlier + 60.0 for earlier, later in zip(slots, slots[per_minute:], strict=False))
        assert most_in_any_window(slots, 60.0) == per_minute

    def test_calls_are_spread_evenly_not_bursted(self):
        """100 per minute means one call every 0.6 s from the first, not 100 at once."""
        limiter = RateLimiter(100, ManualClock())
        slots = [limiter.reserve() for _ in range(10)]
        assert slots == pytest.approx([0.6 * i for i in range(10)])

    def test_an_idle_limiter_lets_a_call_through_at_once(self):
        """After a quiet spell the next call does not wait."""
        clock = ManualClock()
        limiter = RateLimiter(100, clock)
        limiter.reserve()
        clock.advance(5)
        assert limiter.reserve() == 5

    def test_defer_holds_back_the_next_slot(self):
        """After a 429 the next slot is no earlier than the deferral."""
        clock = ManualClock()
        limiter = RateLimiter(100, clock)
        limiter.reserve()
        limiter.defer(12.5)
        assert limiter.reserve() == 12.5

    def test_window_frees_when_the_oldest_recent_call_ages_out(self):
        """window_frees_in tells how long until the oldest call of the last minute leaves it."""
        clock = ManualClock()
        limiter = RateLimiter(100, clock)
        assert limiter.window_frees_in() == 0
        limiter.reserve()
        clock.advance(20)
        assert limiter.window_frees_in() == pytest.approx(40)
        clock.advance(45)
        assert limiter.window_frees_in() == 0

    async def test_concurrent_callers_are_paced_by_the_clock(self):
        """250 tasks acquiring at once proceed at 0.6 s steps and never more than 100 per minute."""
        clock = ManualClock()
        limiter = RateLimiter(100, clock)
        times: list[float] = []

        async def call() -> None:
            await limiter.acquire()
            times.append(clock.monotonic())

        await asyncio.gather(*(call() for _ in range(250)))
        times.sort()
        assert most_in_any_window(times, 60.0 - 1e-6) <= 100
        assert min(b - a for a, b in pairwise(times)) == pytest.approx(0.6)
        assert times[-1] == pytest.approx(249 * 0.6)

    def test_zero_per_minute_is_refused(self):
        """A limiter that could never send is a configuration mistake."""
        with pytest.raises(ValueError, match="at least 1"):
            RateLimiter(0, ManualClock())


class TestBackoff:
    def test_delay_doubles_with_jitter_and_stops_at_the_cap(self):
        """Each attempt waits between half and all of base * 2^attempt, never above the cap."""
        rng = random.Random(1)
        for attempt in range(12):
            step = min(30.0, 0.5 * 2**attempt)
            delay = backoff_delay(attempt, rng)
            assert step / 2 <= delay <= step
        assert backoff_delay(5000, rng) <= 30.0

    def test_jitter_spreads_delays(self):
        """Two clients retrying the same attempt do not wait exactly as long."""
        rng = random.Random(3)
        assert len({backoff_delay(4, rng) for _ in range(20)}) > 1


class TestDailyBudget:
    async def test_budget_counts_calls_and_refuses_when_spent(self):
        """The budget allows exactly its limit per day, then refuses until UTC midnight."""
        clock = ManualClock(datetime(2026, 3, 1, 22, 0, tzinfo=UTC))
        budget = DailyBudget(InMemoryBudgetStore(), 3, clock)
        for _ in range(3):
            await budget.spend()
        usage = await budget.usage()
        assert (usage.day, usage.used, usage.left) == (date(2026, 3, 1), 3, 0)
        with pytest.raises(ZohoRateLimited, match="daily Zoho API budget of 3") as caught:
            await budget.spend()
        assert caught.value.retry_after_s == 2 * 3600
        assert caught.value.context["daily"] is True

    async def test_a_new_day_starts_a_new_budget(self):
        """After midnight UTC the count starts again from zero."""
        clock = ManualClock(datetime(2026, 3, 1, 23, 59, tzinfo=UTC))
        budget = DailyBudget(InMemoryBudgetStore(), 2, clock)
        await budget.spend()
        await budget.spend()
        clock.advance(120)
        await budget.spend()
        usage = await budget.usage()
        assert (usage.day, usage.used, usage.left) == (date(2026, 3, 2), 1, 1)


class TestManualClock:
    async def test_sleepers_wake_in_deadline_order_and_time_jumps(self):
        """Tasks sleeping different spans wake shortest first, with the clock at their deadline."""
        clock = ManualClock()
        woke: list[tuple[str, float]] = []

        async def nap(name: str, seconds: float) -> None:
            await clock.sleep(seconds)
            woke.append((name, clock.monotonic()))

        await asyncio.gather(nap("long", 30), nap("short", 2), nap("mid", 10))
        assert woke == [("short", 2), ("mid", 10), ("long", 30)]
        assert clock.utcnow() == datetime(2026, 1, 1, 12, 0, 30, tzinfo=UTC)
