"""What the webhook sender works with: switches, registrations, queued deliveries, log entries."""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from typing import Any

from tds.emulator.store import Change
from tds.emulator.webhooks import WebhookConfig


@dataclass
class Switch:
    """Fires for the `next` n deliveries, else with `probability`."""

    next: int = 0
    probability: float = 0.0

    def fire(self, rng: random.Random) -> bool:
        if self.next > 0:
            self.next -= 1
            return True
        return self.probability > 0 and rng.random() < self.probability


@dataclass
class DeliverySwitches:
    drop: Switch = field(default_factory=Switch)
    duplicate: Switch = field(default_factory=Switch)
    delay: Switch = field(default_factory=Switch)
    delay_s: float = 1.0
    reorder_window: int = 0
    reorder_wait_s: float = 0.2


@dataclass(frozen=True)
class Registration:
    webhook_id: str
    config: WebhookConfig


@dataclass(frozen=True)
class Delivery:
    delivery_id: int
    hook: Registration
    change: Change | None  # None: the check call
    attempt: int = 1
    duplicate: bool = False
    delayed: bool = False


@dataclass(frozen=True)
class LogEntry:
    """One line of the delivery log (what Books shows in Workflow Logs)."""

    delivery_id: int
    webhook_id: str
    event: str
    entity: str
    module_key: str
    record_id: str
    last_modified_time: str
    attempt: int
    duplicate: bool
    status: str  # delivered | failed | dropped | quota_exceeded
    response_code: int | None
    error: str
    method: str
    url: str
    at: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
