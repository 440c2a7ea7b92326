"""The service manager's readiness protocol (sd_notify): one datagram to $NOTIFY_SOCKET per state change.

systemd's `Type=notify` units wait for `READY=1` before they count a start as done, so dependants
(nginx, the backup timer) never meet a process that is still migrating or binding its port.
The protocol is a newline-separated `KEY=value` datagram on an AF_UNIX socket whose path the
manager passes in NOTIFY_SOCKET; a leading `@` names a Linux abstract socket. Without the variable
every call is a no-op, so the same code runs under a terminal, Docker or systemd. With
`WatchdogSec=` the manager also expects `WATCHDOG=1` at least that often and restarts a process
whose event loop has stopped turning (a hang the process cannot report itself).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket

log = logging.getLogger(__name__)


class ServiceNotifier:
    """Sends sd_notify messages to `address` (None: a no-op notifier)."""

    def __init__(self, address: str | None) -> None:
        self.address = address or None

    @property
    def enabled(self) -> bool:
        return self.address is not None

    def notify(self, **fields: str | int) -> bool:
        """Sends one datagram such as READY=1 and STATUS=...; False when nothing could be sent."""
        if self.address is None:
            return False
        payload = "\n".join(f"{key.upper()}={value}" for key, value in fields.items()).encode()
        target = "\0" + self.address[1:] if self.address.startswith("@") else self.address
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
                sock.sendto(payload, target)
        except OSError as exc:  # the manager went away or the socket is wrong: report, never fail the service
            log.warning("could not notify the service manager at %s: %s", self.address, exc)
            return False
        return True

    def ready(self, status: str) -> bool:
        return self.notify(ready=1, status=status, mainpid=os.getpid())

    def stopping(self, status: str) -> bool:
        return self.notify(stopping=1, status=status)


class Readiness:
    """Counts the parts of a process that must be up; tells the manager READY=1 when all are."""

    def __init__(self, parts: list[str], notifier: ServiceNotifier) -> None:
        self._waiting = set(parts)
        self._notifier = notifier
        self.is_ready = False

    def part_ready(self, part: str) -> None:
        self._waiting.discard(part)
        if self._waiting or self.is_ready:
            return
        self.is_ready = True
        log.info("service ready")
        self._notifier.ready("ready")

    def stopping(self) -> None:
        self._notifier.stopping("stopping")


async def keep_watchdog_fed(notifier: ServiceNotifier, interval_s: float, stop: asyncio.Event) -> None:
    """Sends WATCHDOG=1 every `interval_s` from the event loop itself, until `stop` is set."""
    while not stop.is_set():
        notifier.notify(watchdog=1)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval_s)
