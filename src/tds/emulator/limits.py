"""The organisation's API budget: requests per minute, per day and in flight, and the quota headers."""

from __future__ import annotations

from collections import Counter, deque
from datetime import date, datetime, time, timedelta

from tds.emulator.clock import Clock
from tds.emulator.options import EmulatorOptions


class RateLimiter:
    """A sliding one-minute window, a daily counter (org-local midnight) and a concurrency count.

    A refused call is not counted against the budget; limits of 0 are off.
    """

    def __init__(self, options: EmulatorOptions, clock: Clock) -> None:
        self.options = options
        self.clock = clock
        self.in_flight = 0
        self.daily_used = 0
        self.refused: Counter[str] = Counter()
        self._window: deque[float] = deque()
        self._day: date | None = None

    def enter(self) -> bool:
        """Takes a concurrency slot; False (and no slot) when the organisation has too many open."""
        limit = self.options.max_concurrent
        if limit > 0 and self.in_flight >= limit:
            self.refused["concurrency"] += 1
            return False
        self.in_flight += 1
        return True

    def leave(self) -> None:
        self.in_flight -= 1

    def admit(self) -> str | None:
        """Counts one call, or names the limit it would break (`per_minute`, `daily`)."""
        now = self.clock.timestamp()
        self._roll_day()
        while self._window and self._window[0] <= now - 60:
            self._window.popleft()
        if 0 < self.options.per_minute_limit <= len(self._window):
            self.refused["per_minute"] += 1
            return "per_minute"
        if 0 < self.options.daily_limit <= self.daily_used:
            self.refused["daily"] += 1
            return "daily"
        self._window.append(now)
        self.daily_used += 1
        return None

    def _roll_day(self) -> None:
        today = self.clock.local().date()
        if today != self._day:
            self._day = today
            self.daily_used = 0

    def headers(self) -> dict[str, str]:
        """`X-Rate-Limit-*` describe the daily allowance, as Books sends them (no per-minute data)."""
        if self.options.daily_limit <= 0:
            return {}
        self._roll_day()
        local = self.clock.local()
        midnight = datetime.combine(local.date() + timedelta(days=1), time(), local.tzinfo)
        return {
            "X-Rate-Limit-Limit": str(self.options.daily_limit),
            "X-Rate-Limit-Remaining": str(max(0, self.options.daily_limit - self.daily_used)),
            "X-Rate-Limit-Reset": str(int((midnight - local).total_seconds())),
        }

    def refusal_headers(self) -> dict[str, str]:
        headers = self.headers()
        if self.options.retry_after_s is not None:
            headers["Retry-After"] = str(self.options.retry_after_s)
        return headers

    def minute_used(self) -> int:
        now = self.clock.timestamp()
        return sum(1 for t in self._window if t > now - 60)

    def reset(self) -> None:
        """Forgets the window and the day's count (a fresh minute and a fresh day)."""
        self._window.clear()
        self.daily_used = 0
        self.refused.clear()
