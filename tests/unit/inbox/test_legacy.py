"""The earlier integration's webhook names: each feeds one catalog entity; others are refused."""

from __future__ import annotations

import pytest

from tds.errors import UnknownEntity
from tds.inbox.legacy import LEGACY_WEBHOOKS, legacy_entity, legacy_lookup

EXPECTED = {
    "products": "item",
    "customers": "contact",
    "invoices": "invoice",
    "orders": "salesorder",
    "prices": "pricebook",
    "stock": "inventory_adjustment",
    "payments": "customerpayment",
    "vendors": "contact",
    "users": "user",
}


def test_the_nine_earlier_names_map_to_their_entities() -> None:
    """Exactly the earlier integration's nine names are served, each to the chosen entity."""
    assert dict(LEGACY_WEBHOOKS) == EXPECTED
    assert {name: legacy_entity(name).name for name in EXPECTED} == EXPECTED


def test_names_match_in_any_case() -> None:
    """`Products` is `products`, as entity names are on the native URL."""
    spec = legacy_lookup(" Products ")
    assert spec is not None
    assert spec.name == "item"


@pytest.mark.parametrize("name", ["bills", "item", "sales-orders", ""])
def test_other_names_are_unknown_and_listed(name: str) -> None:
    """A name that integration lacked is 404, listing the accepted names and the native URL."""
    assert legacy_lookup(name) is None
    with pytest.raises(UnknownEntity) as caught:
        legacy_entity(name)
    assert caught.value.status_code == 404
    assert ", ".join(EXPECTED) in caught.value.message
    assert "/webhooks/zoho/{entity}" in caught.value.message
