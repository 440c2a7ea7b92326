"""The retry schedule: configured delays, exponential growth past them, and bounded jitter."""

from __future__ import annotations

import pytest

from tds.worker.retry import MAX_DELAY_S, retry_delay_s

DELAYS = [60.0, 300.0, 900.0]


@pytest.mark.parametrize(
    ("attempt", "expected"), [(1, 60.0), (2, 300.0), (3, 900.0), (4, 1800.0), (5, 3600.0), (6, 7200.0)]
)
def test_without_jitter_the_schedule_is_exact(attempt: int, expected: float) -> None:
    """Attempt n uses the n-th delay; past the list the last delay doubles per extra attempt."""
    assert retry_delay_s(attempt, DELAYS, jitter=0.0) == expected


@pytest.mark.parametrize(("rand", "factor"), [(0.0, 0.9), (0.5, 1.0), (1.0, 1.1)])
def test_jitter_stays_within_its_fraction(rand: float, factor: float) -> None:
    """A 10% jitter moves the delay between 0.9x and 1.1x, never beyond."""
    assert retry_delay_s(2, DELAYS, jitter=0.1, rand=lambda: rand) == pytest.approx(300.0 * factor)


def test_growth_is_capped_at_a_day() -> None:
    """A job that failed very often still retries within a day."""
    assert retry_delay_s(60, DELAYS, jitter=0.0) == MAX_DELAY_S


def test_attempt_numbers_start_at_one() -> None:
    """Attempt zero is a caller's bug, not a delay."""
    with pytest.raises(ValueError, match="start at 1"):
        retry_delay_s(0, DELAYS, jitter=0.1)
