"""The earlier integration's webhook URLs (`/api/tds/webhooks/{name}`) and the entity each one feeds (pure).

Zoho webhooks set up for that integration keep working unchanged: each name is an alias of one
catalog entity and goes through the same intake as `/webhooks/zoho/{entity}` (docs/migration.md).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from tds.entities.catalog import EntitySpec, get
from tds.errors import UnknownEntity

LEGACY_PREFIX: Final = "/api/tds/webhooks"
NATIVE_URL: Final = "/webhooks/zoho/{entity}"
# Name in the earlier URL -> canonical entity. Customers and vendors are both Zoho contacts; the
# contact handler files each record by its own `contact_type`, as on the native URL.
LEGACY_WEBHOOKS: Final = MappingProxyType(
    {
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
)


def legacy_lookup(name: str) -> EntitySpec | None:
    """The entity an earlier webhook name feeds (any case); None for a name that integration lacked."""
    entity = LEGACY_WEBHOOKS.get(name.strip().lower())
    return None if entity is None else get(entity)


def legacy_entity(name: str) -> EntitySpec:
    """Like legacy_lookup, raising UnknownEntity (404) that lists the accepted names."""
    spec = legacy_lookup(name)
    if spec is None:
        accepted = ", ".join(LEGACY_WEBHOOKS)
        raise UnknownEntity(
            f"unknown webhook '{name}' under {LEGACY_PREFIX}/; accepted: {accepted}; "
            f"every entity also has its own URL {NATIVE_URL}",
            entity=name,
        )
    return spec
