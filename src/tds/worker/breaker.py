"""Circuit breakers per entity handler: a pure state machine over an injected clock (no I/O)."""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import StrEnum

Clock = Callable[[], float]


class BreakerState(StrEnum):
    CLOSED = "closed"  # calls flow
    OPEN = "open"  # calls are refused until the reset time has passed
    HALF_OPEN = "half_open"  # one probe call may go through; its result closes or re-opens


class CircuitBreaker:
    """Opens after `failure_threshold` consecutive failures; after `reset_s` lets one probe through.

    A probe's success closes the breaker; its failure opens it again for another `reset_s`.
    """

    def __init__(self, failure_threshold: int, reset_s: float, clock: Clock = time.monotonic) -> None:
        self.failure_threshold = failure_threshold
        self.reset_s = reset_s
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> BreakerState:
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self._clock() - self._opened_at >= self.reset_s:
            return BreakerState.HALF_OPEN
        return BreakerState.OPEN

    @property
    def consecutive_failures(self) -> int:
        return self._failures

    def allow(self) -> bool:
        """Whether a call may go now; in half-open state only the first caller (the probe) may."""
        state = self.state
        if state is BreakerState.CLOSED:
            return True
        if state is BreakerState.HALF_OPEN and not self._probing:
            self._probing = True
            return True
        return False

    def record_success(self) -> None:
        self._failures = 0
        self._opened_at = None
        self._probing = False

    def record_failure(self) -> None:
        self._failures += 1
        if self._probing or self._failures >= self.failure_threshold:
            self._opened_at = self._clock()
            self._probing = False

    def retry_in_s(self) -> float:
        """How long a refused call should wait: until half-open, or a full period while a probe runs."""
        if self._opened_at is None:
            return 0.0
        remaining = self._opened_at + self.reset_s - self._clock()
        return remaining if remaining > 0 else self.reset_s


class BreakerBoard:
    """One breaker per key (entity), created on first use with the same settings."""

    def __init__(self, failure_threshold: int, reset_s: float, clock: Clock = time.monotonic) -> None:
        self.failure_threshold = failure_threshold
        self.reset_s = reset_s
        self._clock = clock
        self._breakers: dict[str, CircuitBreaker] = {}

    def __getitem__(self, key: str) -> CircuitBreaker:
        breaker = self._breakers.get(key)
        if breaker is None:
            breaker = CircuitBreaker(self.failure_threshold, self.reset_s, self._clock)
            self._breakers[key] = breaker
        return breaker

    def states(self) -> dict[str, BreakerState]:
        return {key: breaker.state for key, breaker in self._breakers.items()}
