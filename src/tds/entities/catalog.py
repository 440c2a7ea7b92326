"""The catalog of Zoho Books entities TDS Core syncs: names, aliases, keys and API paths (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class EntitySpec:
    """What is known of one Zoho Books entity, in one place for intake, client, emulator and pull.

    Attributes:
        name: canonical name, used in queue rows, metrics and URLs (`item`, `salesorder`).
        module_key: the key a webhook or detail response wraps the record in (`item`, `payment`).
        id_field: the record's id field (`item_id`; `payment_id` for both payment kinds).
        list_path: the v3 list path (`/items`).
        list_key: the list response key (`items`).
        aliases: other names accepted in webhook URLs (plural, snake case, ERP words).
        has_webhooks: Zoho has workflow rules for the module (others are pull-only).
        incremental_filter: the list endpoint accepts `last_modified_time=` as a filter.
        has_last_modified: list rows carry `last_modified_time` (else full scans).
        list_lacks: what the mapping needs that list rows lack (entities.md section 13); when
            empty, a list row is the whole record and pull sync and reconciliation never fetch
            its detail.
    """

    name: str
    module_key: str
    id_field: str
    list_path: str
    list_key: str
    aliases: tuple[str, ...] = field(default_factory=tuple)
    has_webhooks: bool = True
    incremental_filter: bool = False
    has_last_modified: bool = True
    list_lacks: tuple[str, ...] = ("line_items",)

    @property
    def needs_detail(self) -> bool:
        """Whether a record's detail must be fetched before it can be mapped in full."""
        return bool(self.list_lacks)

    @property
    def detail_key(self) -> str:
        return self.module_key

    def detail_path(self, record_id: str) -> str:
        return f"{self.list_path}/{record_id}"


ENTITIES: tuple[EntitySpec, ...] = (
    EntitySpec(
        "item",
        "item",
        "item_id",
        "/items",
        "items",
        ("items", "product", "products"),
        list_lacks=("warehouses", "custom_fields", "brand", "ean"),
    ),
    EntitySpec(
        "contact",
        "contact",
        "contact_id",
        "/contacts",
        "contacts",
        ("contacts", "customer", "customers", "vendor", "vendors"),
        list_lacks=("billing_address", "shipping_address", "contact_persons", "credit_limit", "notes"),
    ),
    EntitySpec(
        "invoice", "invoice", "invoice_id", "/invoices", "invoices", ("invoices",), incremental_filter=True
    ),
    EntitySpec("bill", "bill", "bill_id", "/bills", "bills", ("bills",), incremental_filter=True),
    EntitySpec(
        "creditnote",
        "creditnote",
        "creditnote_id",
        "/creditnotes",
        "creditnotes",
        ("creditnotes", "credit_note", "credit_notes", "credit-note", "credit-notes"),
        incremental_filter=True,
    ),
    EntitySpec(
        "salesorder",
        "salesorder",
        "salesorder_id",
        "/salesorders",
        "salesorders",
        ("salesorders", "sales_order", "sales_orders", "sales-order", "sales-orders"),
        incremental_filter=True,
    ),
    EntitySpec(
        "customerpayment",
        "payment",
        "payment_id",
        "/customerpayments",
        "customerpayments",
        (
            "customerpayments",
            "customer_payment",
            "customer_payments",
            "payment",
            "payments",
            "customer-payment",
            "customer-payments",
        ),
        list_lacks=("invoices", "currency_code", "exchange_rate", "custom_fields"),
    ),
    EntitySpec(
        "vendorpayment",
        "vendorpayment",
        "payment_id",
        "/vendorpayments",
        "vendorpayments",
        ("vendorpayments", "vendor_payment", "vendor_payments", "vendor-payment", "vendor-payments"),
        list_lacks=("bills", "exchange_rate", "custom_fields"),
    ),
    EntitySpec(
        "pricebook",
        "pricebook",
        "pricebook_id",
        "/pricebooks",
        "pricebooks",
        ("pricebooks", "price_list", "price_lists", "pricelist", "pricelists", "price-list", "price-lists"),
        has_webhooks=False,
        has_last_modified=False,
        list_lacks=("pricebook_items",),
    ),
    EntitySpec(
        "inventory_adjustment",
        "inventory_adjustment",
        "inventory_adjustment_id",
        "/inventoryadjustments",
        "inventory_adjustments",
        (
            "inventory_adjustments",
            "inventoryadjustment",
            "inventoryadjustments",
            "stock_adjustment",
            "stock_adjustments",
            "inventory-adjustment",
            "inventory-adjustments",
        ),
    ),
    EntitySpec(
        "warehouse",
        "warehouse",
        "warehouse_id",
        "/settings/warehouses",
        "warehouses",
        ("warehouses", "branch", "branches", "location", "locations"),
        has_webhooks=False,
        has_last_modified=False,
        list_lacks=(),
    ),
    EntitySpec(
        "user",
        "user",
        "user_id",
        "/users",
        "users",
        ("users",),
        has_webhooks=False,
        has_last_modified=False,
        list_lacks=(),
    ),
)

_BY_NAME: dict[str, EntitySpec] = {}
for _spec in ENTITIES:
    for _alias in (_spec.name, *_spec.aliases):
        _BY_NAME[_alias] = _spec
_BY_MODULE_KEY: dict[str, EntitySpec] = {spec.module_key: spec for spec in ENTITIES}
# Location and branch records arrive under their own keys; they are warehouses to the ERP.
_BY_MODULE_KEY.update({"location": _BY_NAME["warehouse"], "branch": _BY_NAME["warehouse"]})
ENTITY_NAMES: tuple[str, ...] = tuple(spec.name for spec in ENTITIES)


def lookup(name: str) -> EntitySpec | None:
    """Finds an entity by canonical name or alias, case-insensitively; None when unknown."""
    return _BY_NAME.get(name.strip().lower())


def by_module_key(key: str) -> EntitySpec | None:
    """Finds the entity whose records arrive wrapped under `key` (`{"payment": {...}}`)."""
    return _BY_MODULE_KEY.get(key)


def get(name: str) -> EntitySpec:
    """Like lookup, for names that must exist; raises KeyError otherwise."""
    spec = lookup(name)
    if spec is None:
        raise KeyError(name)
    return spec
