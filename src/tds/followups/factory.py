"""Builds the follow-up side from settings: the loop with its works, and the scheduling handlers."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tds.config import Settings
from tds.entities.handler import EntityHandler
from tds.entities.target import build_target
from tds.followups.kinds import FollowupKind
from tds.followups.scheduling import with_stock_refresh
from tds.followups.service import FollowupRunner, FollowupWork, RunnerOptions
from tds.followups.stock import StockRefreshRule
from tds.followups.stock_refresh import StockRefresh
from tds.inbox.service import InboxService
from tds.pull.factory import zoho_configured
from tds.zoho.client import ZohoClient

log = logging.getLogger(__name__)


def followups_enabled(settings: Settings) -> bool:
    """Follow-ups run where Zoho is configured and they are not switched off."""
    return settings.followups.enabled and zoho_configured(settings)


def stock_rule(settings: Settings) -> StockRefreshRule:
    followups = settings.followups
    return StockRefreshRule(window_s=followups.stock_window_s, max_age_s=followups.stock_max_age_s)


def build_followups(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], client: ZohoClient
) -> FollowupRunner:
    """The loop over every kind of follow-up, calling Zoho through the process's one client."""
    followups = settings.followups
    inbox = InboxService(max_attempts=settings.worker.max_attempts)
    works: dict[FollowupKind, FollowupWork] = {
        FollowupKind.STOCK_REFRESH: StockRefresh(client, inbox, again_after_s=followups.stock_window_s)
    }
    options = RunnerOptions(
        batch=followups.batch,
        lease_s=followups.lease_s,
        poll_interval_s=followups.poll_interval_s,
        budget_floor=followups.budget_floor,
        max_attempts=followups.max_attempts,
        retry_delays_s=tuple(followups.retry_delays_s),
        retry_jitter=followups.retry_jitter,
    )
    return FollowupRunner(sessions, client, works, options)


def with_followups(settings: Settings, handlers: Mapping[str, EntityHandler]) -> dict[str, EntityHandler]:
    """The worker's handlers, those of stock-moving entities asking for stock refreshes; unchanged when
    follow-ups are off, in shadow mode (which writes nothing), or when the ERP profile writes no stock."""
    if not (followups_enabled(settings) and settings.followups.stock_refresh) or settings.erp.shadow:
        return dict(handlers)
    target = build_target(settings.erp)
    if not target.writes_stock():
        log.info("stock refreshes off: the ERP profile writes no stock")
        return dict(handlers)
    return with_stock_refresh(handlers, stock_rule(settings), target.written)
