"""SQL of shadow mode: the outcomes events would have had, and their summary per entity."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from tds.db.schema import tds_text

# One row per event a shadow handler ran, in the handler's transaction.
RECORD_SQL = tds_text("""
INSERT INTO tds.tds_shadow_outcomes (entity, entity_id, outcome, queue_job_id, inbox_event_id)
SELECT * FROM unnest(CAST(:entities AS text[]), CAST(:entity_ids AS text[]), CAST(:outcomes AS text[]),
                     CAST(:job_ids AS bigint[]), CAST(:event_ids AS bigint[]))
""")

# Per entity and outcome, the records whose latest shadow event (since :since) had that outcome: what
# switching to live would do to each record, once.
SUMMARY_SQL = tds_text("""
SELECT entity, outcome, count(*) AS records, max(recorded_at) AS last_at
FROM (SELECT DISTINCT ON (entity, entity_id) entity, outcome, recorded_at
      FROM tds.tds_shadow_outcomes
      WHERE CAST(:since AS timestamptz) IS NULL OR recorded_at >= CAST(:since AS timestamptz)
      ORDER BY entity, entity_id, id DESC) AS latest
GROUP BY entity, outcome ORDER BY entity, outcome
""")


@dataclass(frozen=True)
class ShadowEntry:
    """One event's would-be outcome."""

    entity: str
    entity_id: str
    outcome: str
    job_id: int
    inbox_event_id: int


@dataclass(frozen=True)
class ShadowCount:
    """How many records of an entity would end with `outcome`."""

    entity: str
    outcome: str
    records: int
    last_at: datetime


class ShadowRepository:
    """Writes and reads shadow outcomes; the caller owns the transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(self, entries: Sequence[ShadowEntry]) -> None:
        if not entries:
            return
        await self.session.execute(
            RECORD_SQL,
            {
                "entities": [e.entity for e in entries],
                "entity_ids": [e.entity_id for e in entries],
                "outcomes": [e.outcome for e in entries],
                "job_ids": [e.job_id for e in entries],
                "event_ids": [e.inbox_event_id for e in entries],
            },
        )

    async def summary(self, since: datetime | None = None) -> list[ShadowCount]:
        rows = await self.session.execute(SUMMARY_SQL, {"since": since})
        return [ShadowCount(r.entity, r.outcome, r.records, r.last_at) for r in rows]
