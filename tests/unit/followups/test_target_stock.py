"""Stock refreshes are asked for only where the ERP profile writes an item's stock somewhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from tds.config import ErpMappingSettings
from tds.entities.profile.loader import parse_profile
from tds.entities.target import build_target, compile_target

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "erp-profiles"

ITEM_PRICES_ONLY = """
version: 1
schema: shop
entities:
  item:
    targets:
      - table: products
        key: zoho_item_id
        columns: {zoho_item_id: zoho_id, name: name, price: rate}
"""


def writes_stock(profile_text: str) -> bool:
    return compile_target(parse_profile(profile_text), ErpMappingSettings()).writes_stock()


class TestWritesStock:
    def test_the_default_schema_writes_stock_levels(self) -> None:
        """The packaged default profile keeps stock per warehouse in erp.stock_levels."""
        assert build_target(ErpMappingSettings()).writes_stock()

    def test_a_profile_column_made_from_stock_writes_stock(self) -> None:
        """The shop example's `stock_qty: stock_on_hand` is stock."""
        assert build_target(ErpMappingSettings(profile=EXAMPLES / "shop.yaml")).writes_stock()

    def test_a_profile_with_items_but_no_stock_writes_none(self) -> None:
        """Names and prices only: no refresh would change anything the ERP holds."""
        assert not writes_stock(ITEM_PRICES_ONLY)

    @pytest.mark.parametrize(
        "source",
        ["zoho.warehouses", "{from: zoho.locations}", "{template: 'n={available_stock}'}"],
    )
    def test_stock_named_through_zoho_fields_or_templates(self, source: str) -> None:
        """A column read from the detail's warehouses/locations, or a template naming stock, is stock."""
        assert writes_stock(ITEM_PRICES_ONLY.replace("price: rate", f"qty: {source}"))

    def test_a_profile_without_items_writes_no_stock(self) -> None:
        """Items left out of the profile: nothing holds stock."""
        text = ITEM_PRICES_ONLY.replace("  item:", "  user:").replace("zoho_item_id", "zoho_user_id")
        assert not writes_stock(text)
