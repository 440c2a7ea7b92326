"""The ERP tables under the names the configuration gives them."""

from __future__ import annotations

import pytest
from sqlalchemy.dialects import postgresql

from tds.config import ErpMappingSettings
from tds.entities.naming import LOGICAL_TABLES, build_erp_tables
from tds.errors import ConfigurationError


def test_defaults_keep_the_erp_schema_and_names():
    tables = build_erp_tables(ErpMappingSettings())
    assert set(tables) == set(LOGICAL_TABLES)
    assert tables.qualified_name("products") == "erp.products"
    assert tables["products"].c.name.name == "name"


def test_tables_and_columns_are_remapped_and_keep_their_logical_keys():
    """`products` -> `inventory.items`, `products.name` -> `item_name`; code still says `name`."""
    settings = ErpMappingSettings(
        schema_name="legacy",
        tables={"products": "inventory.items", "customers": "clients"},
        columns={"products.name": "item_name", "products.zoho_id": "external_ref"},
    )
    tables = build_erp_tables(settings)
    items = tables["products"]
    assert (items.schema, items.name) == ("inventory", "items")
    assert items.c.name.name == "item_name"
    assert items.c.zoho_id.name == "external_ref"
    assert items.c.zoho_id.primary_key
    assert tables.qualified_name("customers") == "legacy.clients"
    assert tables.qualified_name("vendors") == "legacy.vendors"
    sql = str(items.insert().compile(dialect=postgresql.dialect()))
    assert sql.startswith("INSERT INTO inventory.items (external_ref,")
    assert "item_name" in sql


@pytest.mark.parametrize(
    "settings",
    [
        ErpMappingSettings(tables={"product": "items"}),
        ErpMappingSettings(columns={"products.title": "x"}),
        ErpMappingSettings(columns={"name": "x"}),
        ErpMappingSettings(columns={"products.name": " "}),
        ErpMappingSettings(tables={"products": "inventory."}),
    ],
)
def test_unknown_or_empty_names_are_refused_at_start(settings):
    with pytest.raises(ConfigurationError):
        build_erp_tables(settings)
