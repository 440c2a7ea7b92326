"""Builds the pull side (Zoho client, pull service, scheduler) from settings and a session factory."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tds.config import Settings
from tds.entities.catalog import ENTITY_NAMES
from tds.entities.target import build_target
from tds.followups.repository import PostgresFollowupDemand
from tds.inbox.service import InboxService
from tds.pull.erp_versions import ErpVersionRepository
from tds.pull.images import ImageStore, ImageSync
from tds.pull.ports import PageHook, PullOptions
from tds.pull.scheduler import PullScheduler
from tds.pull.service import PullService
from tds.zoho.client import ZohoClient
from tds.zoho.clock import Clock
from tds.zoho.repository import PostgresBudgetStore, PostgresTokenObserver


@dataclass
class PullComponents:
    client: ZohoClient
    service: PullService
    scheduler: PullScheduler
    images: ImageSync | None

    async def aclose(self) -> None:
        await self.client.aclose()


ZOHO_SETTINGS_MISSING = (
    "Zoho is not configured: set TDS_ZOHO__CLIENT_ID, TDS_ZOHO__CLIENT_SECRET, "
    "TDS_ZOHO__REFRESH_TOKEN and TDS_ZOHO__ORGANIZATION_ID"
)


def zoho_configured(settings: Settings) -> bool:
    zoho = settings.zoho
    return bool(zoho.client_id and zoho.refresh_token and zoho.organization_id)


def build_pull(
    settings: Settings,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    transport: httpx.AsyncBaseTransport | None = None,
    clock: Clock | None = None,
) -> PullComponents:
    """The Zoho client (daily budget kept in PostgreSQL), the pull service and its scheduler."""
    client = ZohoClient(
        settings.zoho,
        transport=transport,
        clock=clock,
        budget_store=PostgresBudgetStore(sessions),
        token_observer=PostgresTokenObserver(sessions),
    )
    hooks: list[PageHook] = []
    images = None
    if settings.pull.images_dir is not None:
        images = ImageSync(client, ImageStore(settings.pull.images_dir))
        hooks.append(images)
    target = build_target(settings.erp)
    synced = tuple(entity for entity in ENTITY_NAMES if target.sync_mode(entity) is not None)
    options = PullOptions(
        per_page=settings.pull.per_page,
        detail_concurrency=settings.pull.detail_concurrency,
        budget_reserve=settings.pull.budget_reserve,
        synced=frozenset(synced),
    )
    inbox = InboxService(max_attempts=settings.worker.max_attempts)
    known = ErpVersionRepository(sessions, target)
    service = PullService(sessions, client, inbox, options, hooks, known, PostgresFollowupDemand(sessions))
    # By default the schedule pulls what the ERP target syncs; entities named in the settings
    # that it does not sync end their runs as skipped.
    entities = settings.pull.entities or list(synced)
    scheduler = PullScheduler(
        engine, sessions, service, settings.pull.interval_s, entities, settings.pull.stale_run_s
    )
    return PullComponents(client, service, scheduler, images)
