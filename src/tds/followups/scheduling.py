"""Asks for stock refreshes after stock-moving events, in the transaction that applied them.

A thin wrapper around the entity handlers of stock-moving entities, so that neither the worker's
batch runner nor the handlers change: the handler applies the batch, then its applied events ask
for their items' refreshes with one INSERT in the same transaction (a rolled-back batch asks for
nothing). The INSERT runs in a savepoint: if it fails, the refreshes are lost with a warning and
the events still succeed, since a follow-up must never fail the event that caused it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from tds.entities.handler import EntityEvent, EntityHandler, Outcome
from tds.followups.repository import FollowupRepository
from tds.followups.stock import STOCK_MOVING, StockRefreshRule, stock_refresh_requests

log = logging.getLogger(__name__)


class StockRefreshScheduling:
    """An EntityHandler: `inner`, then the stock refreshes its applied events ask for."""

    def __init__(self, inner: EntityHandler, rule: StockRefreshRule, *, written: bool) -> None:
        self.inner = inner
        self.rule = rule
        self.written = written  # whether the ERP writes this entity (else every event counts)

    async def __call__(self, session: AsyncSession, events: Sequence[EntityEvent]) -> list[Outcome]:
        outcomes = await self.inner(session, events)
        now = datetime.now(UTC)
        requests = stock_refresh_requests(events, outcomes, now, self.rule, written=self.written)
        if not requests:
            return outcomes
        try:
            async with session.begin_nested():
                await FollowupRepository(session).request(requests)
        except SQLAlchemyError as exc:
            log.warning(
                "could not ask for %d stock refreshes after %d %s events: %s",
                len(requests),
                len(events),
                events[0].entity,
                exc,
            )
        return outcomes


def with_stock_refresh(
    handlers: Mapping[str, EntityHandler], rule: StockRefreshRule, written: frozenset[str]
) -> dict[str, EntityHandler]:
    """The handlers, those of stock-moving entities wrapped; `written` are the entities the ERP writes."""
    return {
        entity: StockRefreshScheduling(handler, rule, written=entity in written)
        if entity in STOCK_MOVING
        else handler
        for entity, handler in handlers.items()
    }
