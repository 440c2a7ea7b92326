"""Delivers webhooks for store changes: a queue, retries, a daily quota, misbehaviour switches, a log.

Deliveries leave one at a time in change order, unless a switch says otherwise: `drop` loses
one, `duplicate` sends it twice, `delay` holds it back (so later changes overtake it), and
`reorder_window=n` sends each group of up to n queued deliveries in reverse order. A failed
attempt (non-2xx, timeout, refused connection) is retried after the configured growing
intervals (`webhook_retry_intervals_s`, e.g. GROWING_RETRY_INTERVALS_S, times
`webhook_retry_time_scale`); with none configured (Books' default) it is lost, as Zoho loses it.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import random
from collections import deque
from dataclasses import replace
from datetime import date

import httpx

from tds.emulator.clock import Clock
from tds.emulator.deliveries import Delivery, DeliverySwitches, LogEntry, Registration, Switch
from tds.emulator.options import EmulatorOptions
from tds.emulator.store import Change
from tds.emulator.webhooks import WebhookConfig, build_request

log = logging.getLogger(__name__)

LOG_LIMIT = 20_000
# A Books-like retry policy (1, 5, 15, 60 minutes); tests scale it down with webhook_retry_time_scale.
GROWING_RETRY_INTERVALS_S = (60.0, 300.0, 900.0, 3600.0)
_WEBHOOK_ID_BASE = 460_000_000_000_000
__all__ = ["GROWING_RETRY_INTERVALS_S", "LogEntry", "Switch", "WebhookSender"]


class WebhookSender:
    """Registered webhooks and their deliveries; subscribe `on_change` to the store."""

    def __init__(
        self,
        options: EmulatorOptions,
        clock: Clock,
        seed: int,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.options = options
        self.clock = clock
        self.hooks: dict[str, Registration] = {}
        self.switches = DeliverySwitches()
        self.log: deque[LogEntry] = deque(maxlen=LOG_LIMIT)
        self._rng = random.Random(seed)
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._queue: asyncio.Queue[Delivery] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None
        self._timers: set[asyncio.Task[None]] = set()
        self._outstanding = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._ids = itertools.count(1)
        self._hook_ids = itertools.count(_WEBHOOK_ID_BASE + 1)
        self._quota_day: tuple[date | None, int] = (None, 0)
        self._fired: set[tuple[str, str, str]] = set()

    async def register(self, config: WebhookConfig) -> tuple[Registration, LogEntry]:
        """Saves a webhook and sends its empty check call at once; returns both."""
        config.validate()
        hook = Registration(str(next(self._hook_ids)), config)
        self.hooks[hook.webhook_id] = hook
        return hook, await self._attempt(Delivery(next(self._ids), hook, None))

    def unregister(self, webhook_id: str) -> bool:
        return self.hooks.pop(webhook_id, None) is not None

    def on_change(self, change: Change) -> None:
        """Queues a delivery per webhook whose rule fires for this change."""
        for hook in list(self.hooks.values()):
            if hook.config.wants(change) and self._first_time(hook, change):
                self._enqueue(Delivery(next(self._ids), hook, change))

    def _first_time(self, hook: Registration, change: Change) -> bool:
        if not hook.config.first_time_only or change.event != "edited":
            return True
        key = (hook.webhook_id, change.entity, change.record_id)
        if key in self._fired:
            return False
        self._fired.add(key)
        return True

    async def drain(self, timeout_s: float = 10.0) -> bool:
        """Waits until every queued, delayed and retried delivery is finished; False on timeout."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout_s)
        except TimeoutError:
            return False
        return True

    @property
    def outstanding(self) -> int:
        return self._outstanding

    def _enqueue(self, delivery: Delivery) -> None:
        self._outstanding += 1
        self._idle.clear()
        if self._worker is None or self._worker.done():
            self._worker = asyncio.get_running_loop().create_task(self._run())
        self._queue.put_nowait(delivery)

    def _done(self) -> None:
        self._outstanding -= 1
        if self._outstanding <= 0:
            self._idle.set()

    def _later(self, delivery: Delivery, delay_s: float) -> None:
        async def wait_then_queue() -> None:
            await asyncio.sleep(delay_s)
            self._queue.put_nowait(delivery)

        task = asyncio.get_running_loop().create_task(wait_then_queue())
        self._timers.add(task)
        task.add_done_callback(self._timers.discard)

    async def _run(self) -> None:
        while True:
            batch = await self._next_batch()
            for delivery in reversed(batch):
                try:
                    await self._process(delivery)
                except Exception:  # one broken delivery must not stop the sender
                    log.exception("webhook delivery %s failed unexpectedly", delivery.delivery_id)
                    self._done()

    async def _next_batch(self) -> list[Delivery]:
        """One delivery, or up to `reorder_window` of them (sent in reverse) when reordering."""
        batch = [await self._queue.get()]
        while len(batch) < self.switches.reorder_window:
            try:
                batch.append(await asyncio.wait_for(self._queue.get(), self.switches.reorder_wait_s))
            except TimeoutError:
                break
        return batch

    async def _process(self, delivery: Delivery) -> None:
        if delivery.attempt == 1 and not (delivery.duplicate or delivery.delayed):
            s = self.switches
            if s.drop.fire(self._rng):
                self._record(delivery, "dropped")
                self._done()
                return
            if s.delay.fire(self._rng):
                self._later(replace(delivery, delayed=True), s.delay_s)
                return
            if s.duplicate.fire(self._rng):
                self._enqueue(replace(delivery, delivery_id=next(self._ids), duplicate=True))
        if not self._take_quota():
            self._record(delivery, "quota_exceeded")
            self._done()
            return
        entry = await self._attempt(delivery)
        intervals = self.options.webhook_retry_intervals_s
        if entry.status != "delivered" and delivery.attempt <= len(intervals):
            wait_s = intervals[delivery.attempt - 1] * self.options.webhook_retry_time_scale
            self._later(replace(delivery, attempt=delivery.attempt + 1), wait_s)
            return
        self._done()

    def _take_quota(self) -> bool:
        """Books sends at most `webhook_daily_quota` calls a day; the rest are silently not sent."""
        today = self.clock.local().date()
        day, used = self._quota_day
        used = used if day == today else 0
        if 0 < self.options.webhook_daily_quota <= used:
            return False
        self._quota_day = (today, used + 1)
        return True

    async def _attempt(self, delivery: Delivery) -> LogEntry:
        request = build_request(delivery.hook.config, self.options.organization_id, delivery.change)
        code: int | None = None
        error = ""
        try:
            response = await self._http().request(
                request.method,
                request.url,
                headers=request.headers,
                content=request.content,
                timeout=self.options.webhook_timeout_s,
            )
            code = response.status_code
        except httpx.TimeoutException:
            error = "timeout"
        except httpx.HTTPError as exc:
            error = type(exc).__name__
        status = "delivered" if code is not None and 200 <= code < 300 else "failed"
        return self._record(delivery, status, code, error, request.method)

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(transport=self._transport, follow_redirects=False)
        return self._client

    def _record(
        self, d: Delivery, status: str, code: int | None = None, error: str = "", method: str = ""
    ) -> LogEntry:
        change = d.change
        entry = LogEntry(
            delivery_id=d.delivery_id,
            webhook_id=d.hook.webhook_id,
            event=change.event if change else "check",
            entity=change.entity if change else "",
            module_key=change.spec.module_key if change else "",
            record_id=change.record_id if change else "",
            last_modified_time=str(change.record.get("last_modified_time", "")) if change else "",
            attempt=d.attempt,
            duplicate=d.duplicate,
            status=status,
            response_code=code,
            error=error,
            method=method,
            url=d.hook.config.url.split("?", 1)[0],  # no query: it may carry a shared token
            at=self.clock.local().isoformat(timespec="seconds"),
        )
        self.log.append(entry)
        return entry

    async def aclose(self) -> None:
        """Stops the worker and timers (undelivered webhooks are lost) and closes the client."""
        tasks = [*self._timers, *([self._worker] if self._worker else [])]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._worker = None
        if self._client is not None:
            await self._client.aclose()
            self._client = None
