"""The digest of a compiled profile entity: the same for the same profile however the file is written,
another for an edit that changes what a record writes, and per entity."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tds.config import ErpMappingSettings
from tds.entities.target import build_target

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "erp-profiles"


def digests(tmp_path: Path, profile: dict[str, Any], name: str = "shop.yaml") -> dict[str, str]:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(profile, sort_keys=False, allow_unicode=True))
    target = build_target(ErpMappingSettings(profile=path))
    return {entity: plan.digest for entity, plan in target.plans.items()}


def shop() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((EXAMPLES / "shop.yaml").read_text())
    return loaded


def test_the_digest_ignores_comments_and_key_order(tmp_path: Path) -> None:
    """The example file (with its comments) and a copy with reversed keys compile to the same digests."""
    original = {
        e: p.digest for e, p in build_target(ErpMappingSettings(profile=EXAMPLES / "shop.yaml")).plans.items()
    }
    reordered = shop()
    products = reordered["entities"]["item"]["targets"][0]
    products["columns"] = dict(reversed(list(products["columns"].items())))
    assert digests(tmp_path, reordered) == original


def test_an_edited_column_changes_its_entitys_digest_only(tmp_path: Path) -> None:
    """Another source for one item column: the item's digest changes, the contact's does not."""
    before = digests(tmp_path, shop())
    edited = shop()
    edited["entities"]["item"]["targets"][0]["columns"]["name"] = {"from": ["sku", "name"]}
    after = digests(tmp_path, edited, "edited.yaml")
    assert after["item"] != before["item"]
    assert after["contact"] == before["contact"]
