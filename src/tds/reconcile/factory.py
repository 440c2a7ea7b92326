"""Builds the reconciliation service from settings, a session factory and the Zoho client."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tds.config import Settings
from tds.entities.naming import build_erp_tables
from tds.inbox.service import InboxService
from tds.pull.service import ZohoReader
from tds.reconcile.service import ReconcileService


def build_reconcile(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], client: ZohoReader
) -> ReconcileService:
    """The service, reading the ERP through the tables the configuration names."""
    inbox = InboxService(max_attempts=settings.worker.max_attempts)
    return ReconcileService(sessions, client, inbox, build_erp_tables(settings.erp), settings.reconcile)
