"""All metadata Alembic manages: every feature's tds_* models and the default ERP schema.

The models are collected here, at the top, so that `db/` (engine, Base) imports no feature.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData

import tds.alerts.models
import tds.db.configuration
import tds.entities.models
import tds.followups.models
import tds.healer.models
import tds.inbox.models
import tds.pull.models
import tds.queue.models
import tds.reconcile.models
import tds.worker.models  # noqa: F401  (each import registers its tables on Base.metadata)
from tds.db.base import Base
from tds.db.schema import LOGICAL_SCHEMA
from tds.entities.tables import ERP_METADATA

TDS_METADATA: MetaData = Base.metadata
TARGET_METADATA: list[MetaData] = [TDS_METADATA, ERP_METADATA]
MANAGED_SCHEMAS = {LOGICAL_SCHEMA, ERP_METADATA.schema}

__all__ = ["ERP_METADATA", "TARGET_METADATA", "TDS_METADATA", "include_object"]


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Only our own schemas take part in autogenerate and `alembic check`."""
    if type_ == "table":
        return getattr(obj, "schema", None) in MANAGED_SCHEMAS
    return True
