"""All metadata Alembic manages: every feature's tds_* models and the default ERP schema.

The models are collected here, at the top, so that `db/` (engine, Base) imports no feature.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData

import tds.alerts.models
import tds.db.configuration
import tds.entities.models
import tds.healer.models
import tds.inbox.models
import tds.pull.models
import tds.queue.models
import tds.reconcile.models
import tds.worker.models  # noqa: F401  (each import registers its tables on Base.metadata)
from tds.db.base import Base
from tds.entities.tables import ERP_METADATA

TARGET_METADATA: list[MetaData] = [Base.metadata, ERP_METADATA]
MANAGED_SCHEMAS = {None, "public", ERP_METADATA.schema}


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Only our own tables take part in autogenerate and `alembic check`."""
    if type_ == "table":
        schema = getattr(obj, "schema", None)
        if schema not in MANAGED_SCHEMAS:
            return False
        if schema in (None, "public"):
            return bool(name and name.startswith("tds_")) or name == "alembic_version"
    return True
