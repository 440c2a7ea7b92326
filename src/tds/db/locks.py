"""Session-level advisory locks: one holder of a named role (scheduler, monitor) across every process."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

TRY_LOCK = text("SELECT pg_try_advisory_lock(:key)")
UNLOCK = text("SELECT pg_advisory_unlock(:key)")
# Whether this connection still holds the lock (a dropped and re-made connection would not).
HOLDS_LOCK = text("""
SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()
               AND granted AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint) = :key)
""")


class AdvisoryLock:
    """`async with AdvisoryLock(connection, key) as held:`; held is False when another process has it.

    A session-level advisory lock belongs to one server connection, so the lock needs a connection
    of its own, checked out for as long as the lock is held (a pooled session would hand the
    connection back after each commit, and the next user of it would "hold" the lock too).
    """

    def __init__(self, connection: AsyncConnection, key: int) -> None:
        self.connection = connection
        self.key = key
        self.held = False

    async def acquire(self) -> bool:
        self.held = bool(await self.connection.scalar(TRY_LOCK, {"key": self.key}))
        await self.connection.commit()
        return self.held

    async def release(self) -> None:
        if self.held:
            await self.connection.scalar(UNLOCK, {"key": self.key})
            await self.connection.commit()
            self.held = False

    async def still_held(self) -> bool:
        """True while the server still has this connection holding the lock (raises if it is gone)."""
        held = bool(await self.connection.scalar(HOLDS_LOCK, {"key": self.key}))
        await self.connection.commit()
        return held

    async def __aenter__(self) -> bool:
        return await self.acquire()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.release()
