"""Keeping under Zoho's limits: a smooth per-minute pacer, a daily budget, and retry backoff (pure).

The pacer hands out send slots at least `60 / requests_per_minute` seconds apart and never more than
`requests_per_minute` in any 60-second window, so 100/min means one call every 0.6 s, never a burst.
The daily budget counts every call sent to the Books API (retries included, token refreshes not,
since they go to the accounts server) per UTC day in a BudgetStore; when it is spent, calls fail
with ZohoRateLimited before anything is sent. Zoho does not document when its daily window turns;
the UTC day is our choice, and Zoho's own X-Rate-Limit-* headers are read alongside.
"""

from __future__ import annotations

import math
import random
from collections import deque
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

from tds.errors import ZohoRateLimited
from tds.zoho.clock import Clock

WINDOW_S = 60.0
# Float slack when comparing a woken sleeper's time with the slot it booked.
_EPSILON_S = 1e-9


class RateLimiter:
    """Paces calls evenly under a per-minute limit; shared by every caller of one client."""

    def __init__(self, requests_per_minute: int, clock: Clock, *, window_s: float = WINDOW_S) -> None:
        if requests_per_minute < 1:
            raise ValueError("requests_per_minute must be at least 1")
        self.limit = requests_per_minute
        self.window_s = window_s
        self.interval_s = window_s / requests_per_minute
        self._clock = clock
        self._slots: deque[float] = deque(maxlen=requests_per_minute)
        self._not_before = -math.inf

    def reserve(self) -> float:
        """Books the next free slot and returns its (monotonic) time; no awaiting, so no races."""
        slot = max(self._clock.monotonic(), self._not_before)
        if self._slots:
            slot = max(slot, self._slots[-1] + self.interval_s)
        if len(self._slots) == self.limit:
            slot = max(slot, self._slots[0] + self.window_s)
        self._slots.append(slot)
        return slot

    async def acquire(self) -> None:
        """Waits for a slot; books again if a 429 pushed the limiter back while waiting."""
        while True:
            slot = self.reserve()
            await self._clock.sleep(slot - self._clock.monotonic())
            if self._clock.monotonic() + _EPSILON_S >= self._not_before:
                return

    def defer(self, seconds: float) -> None:
        """Holds every caller back for `seconds` from now (after a 429)."""
        self._not_before = max(self._not_before, self._clock.monotonic() + seconds)

    def window_frees_in(self) -> float:
        """Seconds until the oldest call of the last window ages out of it (0 if none is in it)."""
        now = self._clock.monotonic()
        recent = [slot for slot in self._slots if now - self.window_s < slot <= now]
        return recent[0] + self.window_s - now if recent else 0.0


def backoff_delay(attempt: int, rng: random.Random, *, base_s: float = 0.5, cap_s: float = 30.0) -> float:
    """Exponential backoff with equal jitter: half the step fixed, half random."""
    step = min(cap_s, base_s * 2.0 ** min(attempt, 32))
    return step / 2 + rng.uniform(0, step / 2)


@dataclass(frozen=True)
class BudgetUsage:
    """How much of the day's Zoho call budget is used and left."""

    day: date
    used: int
    limit: int

    @property
    def left(self) -> int:
        return max(0, self.limit - self.used)


class BudgetStore(Protocol):
    """Where the day's call count lives; spending must be atomic across processes."""

    async def try_spend(self, day: date, limit: int) -> int | None:
        """Counts one call for `day` unless `limit` is reached; the new count, or None when spent."""
        ...

    async def used(self, day: date) -> int:
        """Calls counted for `day` (0 for a day not seen)."""
        ...


class InMemoryBudgetStore:
    """A BudgetStore for one process (tests, the CLI against an emulator)."""

    def __init__(self) -> None:
        self._counts: dict[date, int] = {}

    async def try_spend(self, day: date, limit: int) -> int | None:
        used = self._counts.get(day, 0)
        if used >= limit:
            return None
        self._counts = {day: used + 1}  # only today is kept
        return used + 1

    async def used(self, day: date) -> int:
        return self._counts.get(day, 0)


class DailyBudget:
    """The daily call budget: spend one per call, refuse with ZohoRateLimited when it is gone."""

    def __init__(self, store: BudgetStore, limit: int, clock: Clock) -> None:
        self.store = store
        self.limit = limit
        self._clock = clock

    def today(self) -> date:
        return self._clock.utcnow().astimezone(UTC).date()

    async def spend(self) -> None:
        day = self.today()
        if await self.store.try_spend(day, self.limit) is None:
            raise ZohoRateLimited(
                f"the daily Zoho API budget of {self.limit} calls is used up for {day.isoformat()}",
                retry_after_s=self._seconds_to_midnight(),
                daily=True,
            )

    async def usage(self) -> BudgetUsage:
        day = self.today()
        return BudgetUsage(day=day, used=await self.store.used(day), limit=self.limit)

    def _seconds_to_midnight(self) -> float:
        now = self._clock.utcnow().astimezone(UTC)
        midnight = datetime.combine(now.date() + timedelta(days=1), time(0), tzinfo=UTC)
        return (midnight - now).total_seconds()
