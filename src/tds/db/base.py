"""Declarative Base for the tds_* tables, with a constraint naming convention Alembic can rely on."""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from tds.db.schema import LOGICAL_SCHEMA

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every tds_* model, in TDS Core's own schema (logical name `tds`, see db/schema.py)."""

    metadata = MetaData(schema=LOGICAL_SCHEMA, naming_convention=NAMING_CONVENTION)
