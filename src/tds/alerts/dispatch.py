"""Routes notices to channels by severity and role, and delivers each in its own task with retries.

A delivery never blocks the monitor loop or another channel: `submit_stored` only starts tasks; a
failing channel is retried on `retry_delays_s` and then given up, logged each time, never raised.
The monitor's notices are stored deliveries (deliveries.py): each task records its outcome.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from tds.alerts.deliveries import Delivery, Outcome
from tds.alerts.notifiers.base import Notice, Notifier
from tds.alerts.snapshot import SEVERITY_RANK

log = logging.getLogger(__name__)
Sleep = Callable[[float], Awaitable[None]]
Record = Callable[[Delivery, Outcome], Awaitable[None]]


@dataclass(frozen=True)
class Route:
    """A named channel with its routing: lowest severity, role, and whether it hears of resolutions."""

    name: str
    notifier: Notifier
    min_severity: str = "warning"
    role: str = "primary"
    send_resolved: bool = True

    def takes(self, notice: Notice) -> bool:
        if notice.kind == "test":
            return True
        if self.role == "escalation" and not notice.escalated:
            return False
        if notice.kind == "resolved" and not self.send_resolved:
            return False
        return SEVERITY_RANK.get(notice.severity, 0) >= SEVERITY_RANK[self.min_severity]


@dataclass
class DeliveryStats:
    """This process's delivery counts per channel (logged; shown by `tds alerts test`)."""

    sent: dict[str, int] = field(default_factory=dict)
    failed_attempts: dict[str, int] = field(default_factory=dict)
    given_up: dict[str, int] = field(default_factory=dict)

    def count(self, table: dict[str, int], name: str) -> None:
        table[name] = table.get(name, 0) + 1


class Dispatcher:
    """Delivers notices to the routes that take them, each delivery retried with backoff."""

    def __init__(
        self, routes: Sequence[Route], retry_delays_s: Sequence[float], sleep: Sleep = asyncio.sleep
    ) -> None:
        self.routes = list(routes)
        self.retry_delays_s = list(retry_delays_s)
        self.sleep = sleep
        self.stats = DeliveryStats()
        self._tasks: set[asyncio.Task[bool]] = set()
        self.in_flight: set[int] = set()  # stored deliveries this process is sending

    def routes_for(self, notice: Notice) -> list[Route]:
        return [route for route in self.routes if route.takes(notice)]

    async def deliver(self, route: Route, notice: Notice) -> bool:
        """Sends with retries; True when delivered, False once every attempt failed."""
        return (await self.attempt(route, notice)).sent

    async def attempt(self, route: Route, notice: Notice) -> Outcome:
        """Sends with retries; what the attempts came to."""
        for attempt, delay_s in enumerate([*self.retry_delays_s, None], start=1):
            try:
                await route.notifier.send(notice)
            except Exception as exc:  # a channel's failure is logged and retried, never raised
                self.stats.count(self.stats.failed_attempts, route.name)
                if delay_s is None:
                    log.error(
                        "alert channel %s gave up on %s after %d attempts: %s",
                        route.name,
                        notice.title,
                        attempt,
                        exc,
                    )
                    self.stats.count(self.stats.given_up, route.name)
                    return Outcome(False, attempt, f"{type(exc).__name__}: {exc}"[:1000])
                log.warning(
                    "alert channel %s failed (attempt %d), retrying in %.0f s: %s",
                    route.name,
                    attempt,
                    delay_s,
                    exc,
                )
                await self.sleep(delay_s)
                continue
            self.stats.count(self.stats.sent, route.name)
            log.info("alert channel %s sent %s", route.name, notice.title)
            return Outcome(True, attempt)
        return Outcome(False, 0)  # unreachable: the last attempt returns

    @property
    def lease_s(self) -> float:
        """How long a delivery's attempts may take, waits included, with room for slow channels."""
        return sum(self.retry_delays_s) + 60.0 * (len(self.retry_delays_s) + 1)

    def submit_stored(self, deliveries: Sequence[Delivery], record: Record) -> int:
        """Starts one task per stored delivery; each records its outcome through `record` (in a
        transaction of its own). Never waits for them."""
        by_name = {route.name: route for route in self.routes}
        for delivery in deliveries:
            task = asyncio.create_task(self._deliver_stored(by_name.get(delivery.channel), delivery, record))
            self._tasks.add(task)
            self.in_flight.add(delivery.id)
            task.add_done_callback(self._tasks.discard)
        return len(deliveries)

    async def _deliver_stored(self, route: Route | None, delivery: Delivery, record: Record) -> bool:
        if route is None:
            outcome = Outcome(False, 0, f"the channel {delivery.channel!r} is no longer configured")
            log.error("alert delivery %s: %s", delivery.id, outcome.last_error)
        else:
            outcome = await self.attempt(route, delivery.notice)
        try:
            await record(delivery, outcome)
        except Exception:  # the delivery stays pending: the next monitor sends it again
            log.exception("alert delivery %s: its outcome could not be recorded", delivery.id)
        finally:
            self.in_flight.discard(delivery.id)
        return outcome.sent

    async def send_test(self, notice: Notice) -> dict[str, bool]:
        """Sends `notice` to every channel at once (ignoring routing); delivered or not, by channel."""
        results = await asyncio.gather(*(self.deliver(route, notice) for route in self.routes))
        return {route.name: ok for route, ok in zip(self.routes, results, strict=True)}

    async def drain(self, timeout_s: float | None = None) -> None:
        """Waits for deliveries in flight (shutdown, tests); cancels what still retries after the timeout."""
        if not self._tasks:
            return
        _, pending = await asyncio.wait(set(self._tasks), timeout=timeout_s)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
