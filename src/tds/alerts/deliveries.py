"""SQL of the notice deliveries: one row per notice and channel, written in the transaction of the
alert change that caused it, so that a notice survives the process that was to send it.

A delivery is taken (`claimed_until`) by the process that sends it: for the whole of its attempts
when it is written, again by the next monitor once that time has passed (its process stopped or
crashed on the way). Delivery is at least once: a process that crashed after sending and before
recording it sends again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from tds.alerts.notifiers.base import Notice
from tds.db.schema import tds_text

INSERT_SQL = tds_text("""
INSERT INTO tds.tds_alert_deliveries (alert_id, channel, kind, notice, claimed_until)
SELECT d.alert_id, d.channel, d.kind, d.notice, now() + make_interval(secs => :lease_s)
FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS d(alert_id bigint, channel text, kind text, notice jsonb)
RETURNING id, channel, notice
""")
# Pending deliveries no process holds any more, taken for this one (oldest first).
RECLAIM_SQL = tds_text("""
UPDATE tds.tds_alert_deliveries SET claimed_until = now() + make_interval(secs => :lease_s)
WHERE id IN (SELECT id FROM tds.tds_alert_deliveries WHERE status = 'pending' AND claimed_until < now()
             AND NOT id = ANY(CAST(:busy AS bigint[])) ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED)
RETURNING id, channel, notice
""")
FINISH_SQL = tds_text("""
UPDATE tds.tds_alert_deliveries SET status = :status, attempts = attempts + :attempts,
       last_error = :last_error, finished_at = now()
WHERE id = :id AND status = 'pending'
""")
RELEASE_SQL = tds_text("""
UPDATE tds.tds_alert_deliveries SET claimed_until = now() WHERE status = 'pending' AND id = ANY(:ids)
""")
COUNTS_SQL = tds_text("SELECT status, count(*) FROM tds.tds_alert_deliveries GROUP BY status")
PRUNE_SQL = tds_text("""
DELETE FROM tds.tds_alert_deliveries WHERE id IN (
    SELECT id FROM tds.tds_alert_deliveries WHERE status <> 'pending'
    AND finished_at < now() - make_interval(secs => :keep_s) LIMIT :limit)
""")


@dataclass(frozen=True)
class Delivery:
    """One notice on its way to one channel (by the channel's name in the configuration)."""

    id: int
    channel: str
    notice: Notice


@dataclass(frozen=True)
class Outcome:
    """What the attempts at one delivery came to."""

    sent: bool
    attempts: int
    last_error: str | None = None


def _delivery(row: Sequence[object]) -> Delivery:
    delivery_id, channel, notice = row
    data = orjson.loads(notice) if isinstance(notice, str | bytes) else notice
    return Delivery(int(delivery_id), str(channel), Notice.from_dict(data))  # type: ignore[call-overload, arg-type]


class DeliveryRepository:
    """Delivery rows inside the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, pairs: Sequence[tuple[Notice, str]], lease_s: float) -> list[Delivery]:
        """Writes one pending delivery per (notice, channel), taken by this process for `lease_s`."""
        if not pairs:
            return []
        rows = [
            {"alert_id": n.alert_id, "channel": channel, "kind": n.kind, "notice": n.as_dict()}
            for n, channel in pairs
        ]
        params = {"rows": orjson.dumps(rows).decode(), "lease_s": lease_s}
        return [_delivery(row) for row in await self.session.execute(INSERT_SQL, params)]

    async def reclaim(self, lease_s: float, busy: Sequence[int] = (), limit: int = 100) -> list[Delivery]:
        """Takes pending deliveries whose process let go of them or stopped holding them (but not
        `busy`, those this process is still sending)."""
        params = {"lease_s": lease_s, "busy": list(busy), "limit": limit}
        rows = await self.session.execute(RECLAIM_SQL, params)
        return [_delivery(row) for row in rows]

    async def finish(self, delivery_id: int, outcome: Outcome) -> None:
        params = {
            "id": delivery_id,
            "status": "sent" if outcome.sent else "given_up",
            "attempts": outcome.attempts,
            "last_error": outcome.last_error,
        }
        await self.session.execute(FINISH_SQL, params)

    async def release(self, ids: Sequence[int]) -> None:
        """Lets go of unfinished deliveries (a process stopping), so that the next monitor takes them."""
        if ids:
            await self.session.execute(RELEASE_SQL, {"ids": list(ids)})

    async def counts(self) -> dict[str, int]:
        """Deliveries by status (the table holds the retention period's only)."""
        return {str(status): int(n) for status, n in await self.session.execute(COUNTS_SQL)}

    async def prune(self, keep_s: float, limit: int = 10_000) -> int:
        result = await self.session.execute(PRUNE_SQL, {"keep_s": keep_s, "limit": limit})
        return int(result.rowcount)  # type: ignore[attr-defined]
