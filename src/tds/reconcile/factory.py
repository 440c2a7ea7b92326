"""Builds the reconciliation service from settings, a session factory and the Zoho client."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tds.config import Settings
from tds.entities.catalog import ENTITY_NAMES, lookup
from tds.entities.target import build_target
from tds.errors import UnknownEntity
from tds.inbox.service import InboxService
from tds.pull.ports import ZohoReader
from tds.reconcile.scheduler import ReconcileScheduler
from tds.reconcile.service import ReconcileService


def build_reconcile(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], client: ZohoReader
) -> ReconcileService:
    """The service, reading the ERP through the configured target (the profile, or `erp.*`).

    Raises:
        ConfigurationError: the profile cannot be read or does not follow the format.
    """
    inbox = InboxService(max_attempts=settings.worker.max_attempts)
    return ReconcileService(sessions, client, inbox, build_target(settings.erp), settings.reconcile)


def entity_names(entity: str) -> list[str]:
    """`all` or one entity (name or alias) as canonical names; UnknownEntity (404) otherwise."""
    if entity == "all":
        return list(ENTITY_NAMES)
    spec = lookup(entity)
    if spec is None:
        raise UnknownEntity(f"unknown entity {entity!r}; known: {', '.join(ENTITY_NAMES)} or 'all'")
    return [spec.name]


def build_reconcile_scheduler(
    settings: Settings,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    client: ZohoReader,
) -> ReconcileScheduler:
    """The daily schedule over `reconcile.entities` (all when empty), repairing if `reconcile.repair`."""
    service = build_reconcile(settings, sessions, client)
    cfg = settings.reconcile
    return ReconcileScheduler(
        engine, sessions, service, cfg.interval_s, entity_list(cfg.entities), cfg.repair
    )


def entity_list(names: list[str]) -> list[str]:
    return [name for entity in names for name in entity_names(entity)]
