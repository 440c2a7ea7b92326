"""Physical ERP tables: the logical tables of tables.py under the names the configuration gives them.

Each physical column keeps its logical name as its `key`, so handlers read and write rows keyed by
logical names (`products.name`) while the SQL says `inventory.items.item_name`. Built once at
start-up; unknown table or column names in the configuration are refused there, not at the first
event.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from sqlalchemy import Column, MetaData, Table

from tds.config import ErpMappingSettings
from tds.entities.tables import ERP_METADATA
from tds.errors import ConfigurationError

LOGICAL_TABLES: Mapping[str, Table] = {table.name: table for table in ERP_METADATA.tables.values()}


@dataclass(frozen=True)
class ErpTables(Mapping[str, Table]):
    """Physical tables by logical name (`tables["products"].c.name` is the remapped column)."""

    tables: Mapping[str, Table]

    def __getitem__(self, logical: str) -> Table:
        return self.tables[logical]

    def __iter__(self) -> Iterator[str]:
        return iter(self.tables)

    def __len__(self) -> int:
        return len(self.tables)

    def qualified_name(self, logical: str) -> str:
        """`schema.table` as written in the audit trail."""
        table = self.tables[logical]
        return f"{table.schema}.{table.name}" if table.schema else table.name


def _split(physical: str, default_schema: str) -> tuple[str, str]:
    schema, _, name = physical.strip().rpartition(".")
    if not name:
        raise ConfigurationError(f"ERP table name {physical!r} is empty", setting="erp.tables")
    return (schema or default_schema), name


def _check_names(settings: ErpMappingSettings) -> None:
    for logical in settings.tables:
        if logical not in LOGICAL_TABLES:
            known = ", ".join(sorted(LOGICAL_TABLES))
            raise ConfigurationError(f"unknown ERP table {logical!r} (known: {known})", setting="erp.tables")
    for dotted, physical in settings.columns.items():
        table, _, column = dotted.partition(".")
        if table not in LOGICAL_TABLES or column not in LOGICAL_TABLES[table].c:
            raise ConfigurationError(
                f"unknown ERP column {dotted!r} (write it as table.column)", setting="erp.columns"
            )
        if not physical.strip():
            raise ConfigurationError(
                f"ERP column {dotted!r} is mapped to an empty name", setting="erp.columns"
            )


def _physical_column(table: str, column: Column[object], columns: Mapping[str, str]) -> Column[object]:
    return Column(
        columns.get(f"{table}.{column.name}", column.name),
        column.type,
        key=column.name,
        primary_key=column.primary_key,
        nullable=column.nullable,
        autoincrement=column.autoincrement,
    )


def build_erp_tables(settings: ErpMappingSettings) -> ErpTables:
    """The physical tables for `settings`; unmapped tables stay `<schema_name>.<logical name>`.

    Only names change: types, keys and nullability come from tables.py. Foreign keys and indexes
    are left out; they belong to the database, not to the statements the handlers issue.

    Raises:
        ConfigurationError: a table or column in the settings that tables.py does not have.
    """
    _check_names(settings)
    metadata = MetaData()
    physical: dict[str, Table] = {}
    for logical, table in LOGICAL_TABLES.items():
        schema, name = _split(settings.tables.get(logical, logical), settings.schema_name)
        columns = [_physical_column(logical, column, settings.columns) for column in table.columns]
        physical[logical] = Table(name, metadata, *columns, schema=schema)
    return ErpTables(physical)
