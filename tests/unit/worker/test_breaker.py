"""The circuit breaker's state machine, driven by a fake clock."""

from __future__ import annotations

from tds.worker.breaker import BreakerBoard, BreakerState, CircuitBreaker


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_consecutive_failures_open_the_breaker() -> None:
    """It stays closed below the threshold and opens on the threshold's failure."""
    breaker = CircuitBreaker(3, 30.0, FakeClock())
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.state is BreakerState.CLOSED
    assert breaker.allow()
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN
    assert not breaker.allow()


def test_a_success_resets_the_failure_count() -> None:
    """Only consecutive failures count."""
    breaker = CircuitBreaker(2, 30.0, FakeClock())
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    assert breaker.state is BreakerState.CLOSED
    assert breaker.consecutive_failures == 1


def test_after_the_reset_time_exactly_one_probe_goes_through() -> None:
    """Half-open admits the first caller only; the others are refused while the probe runs."""
    clock = FakeClock()
    breaker = CircuitBreaker(1, 30.0, clock)
    breaker.record_failure()
    clock.now += 29.9
    assert not breaker.allow()
    assert round(breaker.retry_in_s(), 3) == 0.1
    clock.now += 0.1
    assert breaker.state is BreakerState.HALF_OPEN
    assert breaker.allow()
    assert not breaker.allow()
    assert breaker.retry_in_s() == 30.0  # refused callers wait a full period, not a busy loop


def test_a_successful_probe_closes_the_breaker() -> None:
    """The probe's success lets everything through again."""
    clock = FakeClock()
    breaker = CircuitBreaker(1, 5.0, clock)
    breaker.record_failure()
    clock.now += 5
    assert breaker.allow()
    breaker.record_success()
    assert breaker.state is BreakerState.CLOSED
    assert breaker.allow()
    assert breaker.allow()


def test_a_failed_probe_opens_the_breaker_for_another_period() -> None:
    """One failure in half-open state re-opens it, whatever the threshold."""
    clock = FakeClock()
    breaker = CircuitBreaker(5, 10.0, clock)
    for _ in range(5):
        breaker.record_failure()
    clock.now += 10
    assert breaker.allow()
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN
    assert breaker.retry_in_s() == 10.0


def test_the_board_keeps_one_breaker_per_entity() -> None:
    """Failures of one entity leave the others' breakers closed."""
    board = BreakerBoard(1, 10.0, FakeClock())
    board["item"].record_failure()
    assert board["item"] is board["item"]
    assert board.states() == {"item": BreakerState.OPEN}
    assert board["contact"].state is BreakerState.CLOSED
