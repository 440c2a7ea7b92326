"""Shadow mode: a handler's writes run and are rolled back; only what they would have done is kept.

With `erp.shadow` on, TDS Core runs beside the integration it replaces: every event goes through the
real handler (the same reads, version checks, look-ups and constraint checks), inside a savepoint
that is then rolled back, so no ERP row, audit row or sync state changes. The outcome each event
would have had is kept in `tds_shadow_outcomes`, summed up by `tds erp shadow-report`. An event that
fails fails as it would live (retried, then dead-lettered), which is part of what shadow mode shows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from tds.entities.handler import EntityEvent, EntityHandler, Outcome
from tds.entities.shadow_repository import ShadowEntry, ShadowRepository


class ShadowHandler:
    """Runs `inner` and undoes its writes, keeping the outcomes it reported."""

    def __init__(self, inner: EntityHandler) -> None:
        self.inner = inner

    async def __call__(self, session: AsyncSession, events: Sequence[EntityEvent]) -> list[Outcome]:
        savepoint = await session.begin_nested()
        try:
            outcomes = await self.inner(session, events)
        finally:
            await savepoint.rollback()
        await ShadowRepository(session).record(
            [
                ShadowEntry(e.entity, e.entity_id, str(o), e.job_id, e.inbox_event_id)
                for e, o in zip(events, outcomes, strict=True)
            ]
        )
        return outcomes


def shadowed(handlers: Mapping[str, EntityHandler]) -> dict[str, EntityHandler]:
    """The same handlers, each in shadow."""
    return {entity: ShadowHandler(handler) for entity, handler in handlers.items()}
