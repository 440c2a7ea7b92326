"""Time for the Zoho client: a Clock port, the system clock, and a virtual clock for tests (pure)."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol

# Loop turns the virtual clock lets ready tasks run before it jumps to the next deadline; enough for
# any in-memory chain (locks, semaphores, mock transports) between two sleeps.
_SETTLE_TURNS = 50


class Clock(Protocol):
    """Monotonic seconds for pacing, UTC wall time for the daily budget, and a sleep."""

    def monotonic(self) -> float: ...

    def utcnow(self) -> datetime: ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        return time.monotonic()

    def utcnow(self) -> datetime:
        return datetime.now(UTC)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class ManualClock:
    """A virtual clock: sleepers wake in deadline order and time jumps, so nothing waits for real.

    Concurrent sleepers are woken one deadline at a time, after the event loop has settled, which
    keeps the order of events the same as under the real clock without its waiting.
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._start = start or datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
        self._now_s = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._driver: asyncio.Task[None] | None = None
        self.slept_s: list[float] = []

    def monotonic(self) -> float:
        return self._now_s

    def utcnow(self) -> datetime:
        return self._start + timedelta(seconds=self._now_s)

    def advance(self, seconds: float) -> None:
        """Moves time forward without sleeping (a test's way to let a token age)."""
        self._now_s += seconds

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        self.slept_s.append(seconds)
        loop = asyncio.get_running_loop()
        wake: asyncio.Future[None] = loop.create_future()
        heapq.heappush(self._sleepers, (self._now_s + seconds, next(self._order), wake))
        if self._driver is None or self._driver.done():
            self._driver = loop.create_task(self._drive())
        await wake

    async def _drive(self) -> None:
        while self._sleepers:
            for _ in range(_SETTLE_TURNS):
                await asyncio.sleep(0)
            deadline, _, wake = heapq.heappop(self._sleepers)
            self._now_s = max(self._now_s, deadline)
            if not wake.done():
                wake.set_result(None)
