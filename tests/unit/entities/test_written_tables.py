"""The ERP tables a profile writes: what `tds backup --with-erp` dumps and a restore may replace."""

from __future__ import annotations

from pathlib import Path

from tds.config import ErpMappingSettings
from tds.entities.tables import ERP_METADATA
from tds.entities.target import build_target

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "erp-profiles"


def test_the_default_profile_writes_every_table_of_the_erp_schema() -> None:
    assert build_target(ErpMappingSettings()).written_tables() == sorted(ERP_METADATA.tables)


def test_a_profile_writes_its_targets_and_their_child_tables_and_nothing_it_only_reads() -> None:
    """The shop's look-up and reference tables (categories, branches, currencies) are the ERP's alone."""
    written = build_target(ErpMappingSettings(profile=EXAMPLES / "shop.yaml")).written_tables()
    assert written == [
        "shop.customers",
        "shop.price_list_items",
        "shop.price_lists",
        "shop.product_prices",
        "shop.products",
        "shop.sales_order_lines",
        "shop.sales_orders",
        "shop.staff",
        "shop.suppliers",
    ]


def test_renamed_default_tables_are_written_under_their_new_names() -> None:
    settings = ErpMappingSettings(tables={"products": "inventory.items"})
    written = build_target(settings).written_tables()
    assert "inventory.items" in written
    assert "erp.products" not in written
