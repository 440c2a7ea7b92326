"""The profile format, its column sources and the default profile (pure; no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tds.config import ErpMappingSettings
from tds.entities.naming import LOGICAL_TABLES
from tds.entities.profile.expressions import Context, compile_source
from tds.entities.profile.loader import default_profile_text, load_profile, parse_profile
from tds.entities.profile.model import Source
from tds.entities.target import build_target
from tds.errors import ConfigurationError

CTX = Context(
    "4600000000100001",
    {"sku": None, "status": "Active", "rate": Decimal("35.5"), "date": date(2026, 1, 4)},
    {"product_code": "P-9", "discount": "10%", "nested": {"code": "N-1"}, "rate": 35.5},
)


def value(spec: dict[str, object], kind: str | None = None) -> object:
    return compile_source(Source.model_validate(spec), kind)(CTX)  # type: ignore[arg-type]


class TestSources:
    def test_first_non_empty_source_wins_then_template(self) -> None:
        """`sku` -> `product_code` -> "SKU-"+item_id, the issue's own example."""
        assert value({"from": ["sku", "zoho.product_code"], "template": "SKU-{zoho_id}"}) == "P-9"
        assert value({"from": ["sku"], "template": "SKU-{zoho_id}"}) == "SKU-4600000000100001"

    def test_transforms(self) -> None:
        """Percent to number, case, booleans from a status, dates, value tables, nested fields."""
        assert value({"from": "zoho.discount", "transform": "number"}) == Decimal("10.000000")
        assert value({"from": "status", "transform": "upper"}) == "ACTIVE"
        assert value({"from": "status", "equals": "active"}) is True
        assert value({"from": "date", "transform": "text"}) == "2026-01-04"
        assert value({"from": "status", "values": {"active": "A", "inactive": "I"}}) == "A"
        assert value({"from": "zoho.nested.code"}) == "N-1"

    def test_values_are_brought_to_the_column_kind(self) -> None:
        """A Zoho number read into a text column is text; an integer constant stays an integer."""
        assert value({"from": "zoho.rate"}, "text") == "35.5"
        assert value({"const": 1}, "integer") == 1

    def test_constants_and_missing(self) -> None:
        assert value({"from": "missing", "const": "PCS"}) == "PCS"
        assert value({"from": "missing"}) is None

    def test_a_source_needs_something_to_read(self) -> None:
        with pytest.raises(ValueError, match="needs `from`"):
            Source.model_validate({"transform": "upper"})


class TestProfileFormat:
    def test_default_profile_is_the_erp_schema(self) -> None:
        """The shipped default maps every column of every erp.* table onto itself."""
        profile = parse_profile(default_profile_text(), "default.yaml")
        mapped = {
            target.table: set(target.columns) for spec in profile.entities.values() for target in spec.targets
        }
        for table, columns in mapped.items():
            assert columns == {c.name for c in LOGICAL_TABLES[table].columns} - {"synced_at"}

    def test_errors_name_where_they_are(self) -> None:
        text = "version: 1\nentities:\n  item:\n    targets:\n      - {table: s.t, key: k, columns: {a: b}}\n"
        with pytest.raises(ConfigurationError) as err:
            parse_profile(text)
        assert "key column(s) ['k'] of s.t must be mapped" in err.value.message

    def test_owned_columns_cannot_be_mapped(self) -> None:
        text = (
            "entities:\n  item:\n    targets:\n"
            "      - {table: s.t, key: k, columns: {k: zoho_id}, owned: [k]}\n"
        )
        with pytest.raises(ConfigurationError, match="ERP-owned column"):
            parse_profile(text)

    def test_references_need_a_schema(self) -> None:
        text = (
            "entities:\n  item:\n    targets:\n      - table: s.t\n        key: k\n"
            "        columns: {k: zoho_id, p: {from: x, ref: {table: parents, key: z}}}\n"
        )
        with pytest.raises(ConfigurationError, match=r"schema\.table"):
            parse_profile(text)

    def test_unknown_entity_is_refused(self, tmp_path) -> None:
        path = tmp_path / "p.yaml"
        path.write_text(
            "entities:\n  gadget:\n    targets:\n      - {table: s.t, key: k, columns: {k: zoho_id}}\n"
        )
        with pytest.raises(ConfigurationError, match="unknown entities"):
            build_target(ErpMappingSettings(profile=path))

    def test_missing_file_is_a_configuration_error(self, tmp_path) -> None:
        with pytest.raises(ConfigurationError, match="No such file"):
            load_profile(ErpMappingSettings(profile=tmp_path / "nope.yaml"))


class TestRenames:
    def test_remap_settings_still_rename_the_default_profile(self) -> None:
        """TDS_ERP__TABLES / TDS_ERP__COLUMNS keep working on the default profile."""
        erp = ErpMappingSettings(
            tables={"products": "inventory.items"}, columns={"products.name": "item_name"}
        )
        tables = build_target(erp).tables
        assert tables.qualified_name("products") == "inventory.items"
        assert tables["products"].c.name.name == "item_name"

    def test_remap_settings_beside_a_profile_file_are_refused(self, tmp_path) -> None:
        """With a profile file of one's own, the names belong in the file: a clear message says so."""
        path = tmp_path / "p.yaml"
        path.write_text(default_profile_text())
        erp = ErpMappingSettings(profile=path, tables={"products": "inventory.items"})
        with pytest.raises(ConfigurationError, match="write the names into that profile"):
            build_target(erp)

    def test_entities_not_in_a_profile_are_not_synced(self, tmp_path) -> None:
        path = tmp_path / "p.yaml"
        path.write_text(
            "entities:\n  user:\n    targets:\n      - {table: s.staff, key: k, columns: {k: zoho_id}}\n"
        )
        target = build_target(ErpMappingSettings(profile=path))
        assert (target.sync_mode("user"), target.sync_mode("item")) == ("tds", None)
