"""All metadata Alembic manages: the tds_* models and the default ERP schema."""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData

from tds.db.models import Base
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
