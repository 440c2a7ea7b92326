"""Dead-letter SQL for operators: replay every open entry of one error group, discard one with a reason."""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession

from tds.db.schema import tds_text
from tds.queue.jobs import ReplayResult
from tds.queue.operator_repository import ENQUEUE_TAIL, REPLAYABLE

# How dead letters are grouped: by entity and the first line of the error with every run of digits
# written `#`, cut to 200 characters, so that record ids and counts in a message ("erp refused product
# 4815162342") do not split one failure into a thousand groups.
ERROR_GROUP_SQL = "left(regexp_replace(split_part(error, E'\\n', 1), '[0-9]+', '#', 'g'), 200)"
_DIGITS = re.compile(r"[0-9]+")

# Replays the inbox events of every open dead letter of one entity whose error falls in one group.
REPLAY_GROUP_SQL = tds_text(
    f"""WITH targets AS (
    SELECT id, entity, entity_id FROM tds.tds_inbox_events WHERE {REPLAYABLE}
      AND id IN (SELECT inbox_event_id FROM tds.tds_dead_letter_queue
                 WHERE resolved_at IS NULL AND entity = :entity AND {ERROR_GROUP_SQL} = :error)"""
    + ENQUEUE_TAIL
)

# Closes one open dead letter without running it again, keeping who-knows-why in discard_reason.
DISCARD_SQL = tds_text("""
UPDATE tds.tds_dead_letter_queue SET resolved_at = now(), discarded_at = now(), discard_reason = :reason
WHERE id = :id AND resolved_at IS NULL
RETURNING id
""")


def error_group(error: str) -> str:
    """The group of one error, as ERROR_GROUP_SQL computes it: what `replay_group` takes as `error`."""
    return _DIGITS.sub("#", error.split("\n", 1)[0])[:200]


class DeadLetterRepository:
    """Operator actions on the dead-letter queue, through one session; the caller owns the transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def replay_group(self, entity: str, error: str, max_attempts: int) -> ReplayResult:
        params = {"entity": entity, "error": error, "max_attempts": max_attempts}
        matched, enqueued = (await self.session.execute(REPLAY_GROUP_SQL, params)).one()
        return ReplayResult(matched=int(matched), enqueued=int(enqueued))

    async def discard(self, dead_letter_id: int, reason: str) -> bool:
        """Whether an open entry was discarded (False: none, or it was already resolved)."""
        params = {"id": dead_letter_id, "reason": reason}
        return (await self.session.scalar(DISCARD_SQL, params)) is not None
