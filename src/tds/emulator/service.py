"""One emulated Zoho Books organisation: data, OAuth, limits, faults and the webhook sender together."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import httpx

from tds.emulator.auth import TokenIssuer
from tds.emulator.books import BooksApi
from tds.emulator.clock import Clock
from tds.emulator.data import generate
from tds.emulator.faults import FaultInjector
from tds.emulator.gateway import Gateway
from tds.emulator.limits import RateLimiter
from tds.emulator.mutations import Mutator
from tds.emulator.options import DatasetSizes, EmulatorOptions
from tds.emulator.sender import WebhookSender
from tds.emulator.store import Store
from tds.emulator.webhooks import WebhookConfig

log = logging.getLogger(__name__)


class Emulator:
    """Builds every part from one options object; `create_app` serves it over HTTP.

    Args:
        options: credentials, limits, seed and sizes (defaults: a seeded mid-size organisation).
        webhooks: webhooks to register (with their check calls) when the emulator starts.
        webhook_transport: an httpx transport for outgoing webhooks (default: the network).
        clock: the time source (tests move it forward to expire tokens or roll the rate window).
    """

    def __init__(
        self,
        options: EmulatorOptions | None = None,
        *,
        webhooks: Sequence[WebhookConfig] = (),
        webhook_transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.options = options or EmulatorOptions()
        o = self.options
        self.clock = clock or Clock(o.offset_minutes)
        self.store = Store(generate(o.seed, o.sizes, o.anchor, o.offset_minutes), self.clock)
        self.mutator = Mutator(self.store)
        self.tokens = TokenIssuer(o, self.clock)
        self.limiter = RateLimiter(o, self.clock)
        self.faults = FaultInjector(o.seed)
        self.books = BooksApi(self.store, o)
        self.gateway = Gateway(self.books, self.tokens, self.limiter, self.faults, o)
        self.webhooks = WebhookSender(o, self.clock, o.seed, webhook_transport)
        self.store.subscribe(self.webhooks.on_change)
        self._startup_webhooks = list(webhooks)
        self._mutating: asyncio.Task[None] | None = None

    def reseed(self, seed: int, sizes: DatasetSizes | None = None) -> None:
        """Replaces all data with a fresh dataset (no webhooks: Books sends none for an import)."""
        self.options.seed = seed
        if sizes is not None:
            self.options.sizes = sizes
        o = self.options
        self.store.load(generate(seed, o.sizes, o.anchor, o.offset_minutes))

    async def start(self) -> None:
        """Registers the startup webhooks and starts the background mutations, if configured."""
        for config in self._startup_webhooks:
            hook, check = await self.webhooks.register(replace(config))
            log.info(
                "webhook %s registered; check call %s (%s)",
                hook.webhook_id,
                check.status,
                check.response_code,
            )
        if self.options.mutate_interval_s > 0:
            self._mutating = asyncio.get_running_loop().create_task(self._mutate_forever())

    async def _mutate_forever(self) -> None:
        while True:
            await asyncio.sleep(self.options.mutate_interval_s)
            changes = await self.mutator.mutate_random(self.options.mutate_batch)
            log.info("emulator made %d changes", len(changes))

    async def aclose(self) -> None:
        if self._mutating is not None:
            self._mutating.cancel()
            await asyncio.gather(self._mutating, return_exceptions=True)
            self._mutating = None
        await self.webhooks.aclose()

    def state(self) -> dict[str, Any]:
        """Counters for tests and benchmarks: records, calls, limits, tokens, faults, deliveries."""
        return {
            "organization_id": self.options.organization_id,
            "seed": self.options.seed,
            "records": {name: self.store.count(name) for name in self.store.entities()},
            "calls": dict(self.gateway.calls),
            "statuses": {str(k): v for k, v in self.gateway.statuses.items()},
            "rate": {
                "per_minute_limit": self.options.per_minute_limit,
                "minute_used": self.limiter.minute_used(),
                "daily_limit": self.options.daily_limit,
                "daily_used": self.limiter.daily_used,
                "refused": dict(self.limiter.refused),
            },
            "tokens": {"issued": self.tokens.issued_total, "live": self.tokens.live_count()},
            "faults": {"active": self.faults.describe(), "injected": dict(self.faults.injected)},
            "webhooks": {"registered": len(self.webhooks.hooks), "outstanding": self.webhooks.outstanding},
        }
