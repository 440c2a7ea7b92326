"""Imports every tds_* model so that Base.metadata is complete (for Alembic and tests)."""

from __future__ import annotations

from tds.alerts.models import Alert, MetricSample
from tds.db.base import Base
from tds.db.configuration import ConfigurationEntry
from tds.entities.models import AuditEntry
from tds.inbox.models import InboxEvent
from tds.pull.models import SyncCursor, SyncRun
from tds.queue.models import DeadLetter, QueueJob
from tds.worker.models import SyncLog, WorkerHeartbeat

__all__ = [
    "Alert",
    "AuditEntry",
    "Base",
    "ConfigurationEntry",
    "DeadLetter",
    "InboxEvent",
    "MetricSample",
    "QueueJob",
    "SyncCursor",
    "SyncLog",
    "SyncRun",
    "WorkerHeartbeat",
]
