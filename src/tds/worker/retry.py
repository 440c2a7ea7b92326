"""The retry schedule: configured delays, then exponential growth, with +-jitter (pure)."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

MAX_DELAY_S = 86_400.0  # a day: beyond that a retry is no longer a retry


def retry_delay_s(
    attempt: int,
    delays_s: Sequence[float],
    jitter: float,
    rand: Callable[[], float] = random.random,
) -> float:
    """Seconds to wait after failed attempt number `attempt` (1-based).

    Attempt n uses `delays_s[n-1]`; past the end of the list the last delay doubles per extra attempt.
    The result varies by up to `jitter` (a fraction) either way so that failed jobs do not return in
    lockstep; it never exceeds MAX_DELAY_S before jitter.
    """
    if attempt < 1:
        raise ValueError("attempt numbers start at 1")
    base = delays_s[min(attempt, len(delays_s)) - 1]
    extra = attempt - len(delays_s)
    if extra > 0:
        base = base * 2.0 ** min(extra, 64)
    base = min(base, MAX_DELAY_S)
    return max(0.0, base * (1.0 + jitter * (2.0 * rand() - 1.0)))
