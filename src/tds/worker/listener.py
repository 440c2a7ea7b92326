"""LISTEN on the queue's channel over a dedicated asyncpg connection, reconnecting when it drops."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import asyncpg

log = logging.getLogger(__name__)

QUEUE_CHANNEL = "tds_queue"
CLOSE_TIMEOUT_S = 5.0
RECONNECT_PAUSE_S = 0.5  # a restarting server refuses at once; do not spin on it


async def listen_for_work(
    dsn: str,
    on_notify: Callable[[], None],
    closing: asyncio.Event,
    *,
    channel: str = QUEUE_CHANNEL,
    reconnect_s: float = 5.0,
) -> None:
    """Calls `on_notify` for every notification until `closing` is set.

    While the connection is down the worker still polls, so a lost listener costs latency, not work.
    `on_notify` is also called on every (re)connect, for what was sent while nobody listened.
    """
    while not closing.is_set():
        try:
            conn = await asyncpg.connect(dsn, server_settings={"application_name": "tds-worker-listen"})
        except (OSError, asyncpg.PostgresError) as exc:
            log.warning("cannot LISTEN on %s (%s); polling until it works", channel, type(exc).__name__)
            await _wait(closing, reconnect_s)
            continue
        try:
            await _serve(conn, channel, on_notify, closing)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:  # dropped while setting up
            log.warning("the LISTEN connection failed (%s); reconnecting", type(exc).__name__)
            await _wait(closing, reconnect_s)
        finally:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.close(), CLOSE_TIMEOUT_S)


async def _serve(
    conn: asyncpg.Connection, channel: str, on_notify: Callable[[], None], closing: asyncio.Event
) -> None:
    lost = asyncio.Event()
    conn.add_termination_listener(lambda _conn: lost.set())
    await conn.add_listener(channel, lambda *_args: on_notify())
    on_notify()
    waits = [asyncio.ensure_future(closing.wait()), asyncio.ensure_future(lost.wait())]
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waits:
            waiter.cancel()
    if lost.is_set() and not closing.is_set():
        log.warning("the LISTEN connection dropped; reconnecting")
        await _wait(closing, RECONNECT_PAUSE_S)


async def _wait(event: asyncio.Event, timeout_s: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), timeout_s)
