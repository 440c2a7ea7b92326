"""Fault injection for the API: 5xx answers, hangs, broken JSON, malformed pages, lying pages.

A rule hits either the next `count` eligible requests, or each eligible request with a
`probability` (drawn from a seeded generator, so a seed gives the same faults).

| kind             | effect                                                             | eligible          |
|------------------|--------------------------------------------------------------------|-------------------|
| `server_error`   | answers `status` (500: code 1000 JSON; 502/503/504: an HTML page)  | any request       |
| `timeout`        | waits `delay_s` before answering (longer than the client's timeout) | any request       |
| `invalid_json`   | a 200 whose body is cut in half                                    | successful answers|
| `malformed_page` | a 200 list page without its list key                               | list pages        |
| `lying_page`     | a list page whose `has_more_page` says the opposite of the truth   | list pages        |
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from typing import Any, Literal

FaultKind = Literal["server_error", "timeout", "invalid_json", "malformed_page", "lying_page"]
BEFORE = frozenset({"server_error", "timeout"})
ANY_ANSWER = frozenset({"invalid_json"})
LIST_ONLY = frozenset({"malformed_page", "lying_page"})


@dataclass
class FaultRule:
    kind: FaultKind
    count: int | None = None
    probability: float = 1.0
    status: int = 500
    delay_s: float = 30.0
    path_prefix: str = "/books/v3"

    def applies_to(self, path: str, kinds: frozenset[str]) -> bool:
        return self.kind in kinds and path.startswith(self.path_prefix) and self.count != 0


class FaultInjector:
    """The active rules, consulted at each stage of a request."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)
        self.rules: list[FaultRule] = []
        self.injected: dict[str, int] = {}

    def add(self, rule: FaultRule) -> None:
        self.rules.append(rule)

    def clear(self) -> None:
        self.rules.clear()

    def take(self, path: str, kinds: frozenset[str]) -> FaultRule | None:
        """The first rule that fires for this request at this stage (consuming one of its `count`)."""
        for rule in self.rules:
            if not rule.applies_to(path, kinds):
                continue
            if rule.count is not None:
                rule.count -= 1
            elif self._rng.random() >= rule.probability:
                continue
            self.injected[rule.kind] = self.injected.get(rule.kind, 0) + 1
            self.rules = [r for r in self.rules if r.count != 0]
            return rule
        return None

    def describe(self) -> list[dict[str, Any]]:
        return [asdict(rule) for rule in self.rules]
