"""SQL of the follow-up queue: request (coalesced per record), claim, finish, put back, and counts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tds.db.engine import transaction
from tds.db.schema import tds_text
from tds.followups.kinds import Followup, FollowupKind, FollowupRequest, FollowupStatus, coalesce

# Asks for follow-ups, one row per record and kind: a request for a record that has one waiting
# joins it (the earlier call serves both); one whose call is running marks it to be asked again.
# Rows go in key order, so that concurrent batches asking for the same records lock them in one order.
REQUEST_SQL = tds_text("""
INSERT INTO tds.tds_followups AS f (kind, entity, zoho_id, priority, run_after)
SELECT r.kind, r.entity, r.zoho_id, r.priority, now() + make_interval(secs => r.delay_s)
FROM unnest(CAST(:kinds AS text[]), CAST(:entities AS text[]), CAST(:zoho_ids AS text[]),
            CAST(:priorities AS integer[]), CAST(:delays_s AS float8[]))
     AS r(kind, entity, zoho_id, priority, delay_s)
ORDER BY r.kind, r.entity, r.zoho_id
ON CONFLICT (kind, entity, zoho_id) WHERE status IN ('pending', 'running')
DO UPDATE SET requested_again = true, updated_at = now() WHERE f.status = 'running'
""")

# Claims up to :limit due follow-ups of the given kinds, highest priority first, for :lease_s seconds;
# a running one whose lease ran out (its process died) is due again.
CLAIM_SQL = tds_text("""
WITH due AS (
    SELECT id FROM tds.tds_followups
    WHERE kind = ANY(CAST(:kinds AS text[]))
      AND ((status = 'pending' AND run_after <= now()) OR (status = 'running' AND locked_until < now()))
    ORDER BY priority, run_after, id
    LIMIT :limit
    FOR UPDATE SKIP LOCKED
)
UPDATE tds.tds_followups AS f
SET status = 'running', locked_until = now() + make_interval(secs => :lease_s), updated_at = now()
FROM due WHERE f.id = due.id
RETURNING f.id, f.kind, f.entity, f.zoho_id, f.priority, f.attempts, f.run_after
""")

# Finishes a running follow-up as done or failed (:failed counts the last attempt, :error is kept);
# if it was asked for again while it ran, a new one is queued :again_s from now.
FINISH_SQL = tds_text("""
WITH finished AS (
    UPDATE tds.tds_followups
    SET status = :status, finished_at = now(), updated_at = now(), locked_until = NULL,
        last_error = :error, attempts = attempts + CAST(:failed AS integer)
    WHERE id = :id AND status = 'running'
    RETURNING kind, entity, zoho_id, priority, requested_again
)
INSERT INTO tds.tds_followups (kind, entity, zoho_id, priority, run_after)
SELECT kind, entity, zoho_id, priority, now() + make_interval(secs => :again_s)
FROM finished WHERE requested_again
""")

# Puts running follow-ups back to wait :delay_s: a failed attempt (:failed 1, its error kept) or a
# pause for the budget (:failed 0: no attempt is spent, the row waits and is never dropped).
PUT_BACK_SQL = tds_text("""
UPDATE tds.tds_followups
SET status = 'pending', run_after = now() + make_interval(secs => :delay_s), updated_at = now(),
    locked_until = NULL, requested_again = false, attempts = attempts + CAST(:failed AS integer),
    last_error = COALESCE(CAST(:error AS text), last_error)
WHERE id = ANY(CAST(:ids AS bigint[])) AND status = 'running'
""")

# Follow-ups waiting or running whose priority is above (numerically below) :priority, up to :cap.
AHEAD_SQL = tds_text("""
SELECT count(*) FROM (
    SELECT 1 FROM tds.tds_followups
    WHERE status IN ('pending', 'running') AND priority < :priority
    LIMIT :cap
) AS ahead
""")

# Waiting and running follow-ups by kind and status (/metrics).
ACTIVE_SQL = tds_text("""
SELECT kind, status, count(*) AS n FROM tds.tds_followups
WHERE status IN ('pending', 'running') GROUP BY kind, status
""")

# Follow-ups finished in [:since, :until) by kind and status (/metrics counters).
FINISHED_SQL = tds_text("""
SELECT kind, status, count(*) AS n FROM tds.tds_followups
WHERE finished_at >= :since AND finished_at < :until GROUP BY kind, status
""")

AHEAD_CAP = 10_000  # a count the pull's budget check can afford before every page
ERROR_LENGTH = 2_000


class FollowupRepository:
    """The follow-up queue inside the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def request(self, requests: Sequence[FollowupRequest]) -> None:
        rows = coalesce(list(requests))
        if not rows:
            return
        await self.session.execute(
            REQUEST_SQL,
            {
                "kinds": [r.kind.value for r in rows],
                "entities": [r.entity for r in rows],
                "zoho_ids": [r.zoho_id for r in rows],
                "priorities": [r.priority for r in rows],
                "delays_s": [float(r.delay_s) for r in rows],
            },
        )

    async def claim(self, kinds: Sequence[FollowupKind], limit: int, lease_s: float) -> list[Followup]:
        params = {"kinds": [k.value for k in kinds], "limit": limit, "lease_s": lease_s}
        rows = (await self.session.execute(CLAIM_SQL, params)).mappings().all()
        ordered = sorted(rows, key=lambda r: (r["priority"], r["run_after"], r["id"]))  # the claim's order
        return [
            Followup(
                r["id"], FollowupKind(r["kind"]), r["entity"], r["zoho_id"], r["priority"], r["attempts"]
            )
            for r in ordered
        ]

    async def finish(
        self, followup_id: int, status: FollowupStatus, *, error: str | None = None, again_s: float = 0.0
    ) -> None:
        params = {
            "id": followup_id,
            "status": status.value,
            "error": _clip(error),
            "failed": int(status is FollowupStatus.FAILED),
            "again_s": again_s,
        }
        await self.session.execute(FINISH_SQL, params)

    async def put_back(
        self, ids: Sequence[int], delay_s: float, *, error: str | None = None, failed: bool = False
    ) -> None:
        params = {"ids": list(ids), "delay_s": delay_s, "error": _clip(error), "failed": int(failed)}
        await self.session.execute(PUT_BACK_SQL, params)

    async def calls_ahead_of(self, priority: int) -> int:
        result = await self.session.execute(AHEAD_SQL, {"priority": priority, "cap": AHEAD_CAP})
        return int(result.scalar_one())

    async def active(self) -> dict[tuple[str, str], int]:
        rows = (await self.session.execute(ACTIVE_SQL)).mappings().all()
        return {(r["kind"], r["status"]): int(r["n"]) for r in rows}

    async def finished(self, since: datetime, until: datetime) -> list[tuple[str, str, int]]:
        rows = (await self.session.execute(FINISHED_SQL, {"since": since, "until": until})).mappings()
        return [(r["kind"], r["status"], int(r["n"])) for r in rows]


class PostgresFollowupDemand:
    """The pull's view of the follow-ups ahead of it, read in a short transaction of its own."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def calls_ahead_of(self, priority: int) -> int:
        async with transaction(self._sessions) as session:
            return await FollowupRepository(session).calls_ahead_of(priority)


def _clip(error: str | None) -> str | None:
    return None if error is None else error[:ERROR_LENGTH]
