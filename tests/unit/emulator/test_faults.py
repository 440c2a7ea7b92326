"""Fault rules: counted rules run out, probability rules follow the seed, stages stay apart."""

from __future__ import annotations

from tds.emulator.faults import BEFORE, LIST_ONLY, FaultInjector, FaultRule

PATH = "/books/v3/items"


def pattern(seed: int) -> list[bool]:
    faults = FaultInjector(seed)
    faults.add(FaultRule("server_error", probability=0.5))
    return [faults.take(PATH, BEFORE) is not None for _ in range(40)]


def test_probability_rules_fire_sometimes_and_repeat_for_a_seed() -> None:
    """A 50 % rule fires on some calls, the same calls for the same seed."""
    first = pattern(9)
    assert first == pattern(9)
    assert 5 < sum(first) < 35


def test_counted_rules_run_out_and_disappear() -> None:
    """count=2 fires twice, then the rule is gone."""
    faults = FaultInjector(1)
    faults.add(FaultRule("timeout", count=2, delay_s=0.1))
    assert [faults.take(PATH, BEFORE) is not None for _ in range(3)] == [True, True, False]
    assert faults.describe() == []
    assert faults.injected == {"timeout": 2}


def test_a_rule_only_fires_at_its_own_stage() -> None:
    """A list-page fault is not consumed by the early (5xx/hang) stage."""
    faults = FaultInjector(1)
    faults.add(FaultRule("lying_page", count=1))
    assert faults.take(PATH, BEFORE) is None
    assert faults.take(PATH, LIST_ONLY) is not None
