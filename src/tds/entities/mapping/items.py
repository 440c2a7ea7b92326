"""Zoho items -> `products`, and their per-warehouse (or per-location) stock -> `stock_levels`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tds.entities.mapping import values as v
from tds.entities.mapping.record import Fields, MappedRecord, Row, mapped, record_id
from tds.errors import PermanentHandlerError

# Stock columns of a `warehouses[]` entry and of a `locations[]` entry (orgs with locations).
_WAREHOUSE_STOCK = {
    "warehouse_zoho_id": "warehouse_id",
    "warehouse_name": "warehouse_name",
    "stock_on_hand": "warehouse_stock_on_hand",
    "available_stock": "warehouse_available_stock",
    "actual_available_stock": "warehouse_actual_available_stock",
    "committed_stock": "warehouse_committed_stock",
}
_LOCATION_STOCK = {
    "warehouse_zoho_id": "location_id",
    "warehouse_name": "location_name",
    "stock_on_hand": "location_stock_on_hand",
    "available_stock": "location_available_stock",
    "actual_available_stock": "location_actual_available_stock",
    "committed_stock": "location_committed_stock",
}


def _stock_level(entry: object, keys: Mapping[str, str], item_id: str, row: Row) -> Row:
    if not isinstance(entry, dict):
        raise PermanentHandlerError(f"a stock entry of item {item_id} is not an object", field="warehouses")
    warehouse_id = v.ident(entry.get(keys["warehouse_zoho_id"]), keys["warehouse_zoho_id"])
    if warehouse_id is None:
        raise PermanentHandlerError(
            f"a stock entry of item {item_id} has no {keys['warehouse_zoho_id']}",
            field=keys["warehouse_zoho_id"],
        )
    return {
        "item_zoho_id": item_id,
        "warehouse_zoho_id": warehouse_id,
        "warehouse_name": v.text(entry.get(keys["warehouse_name"]), keys["warehouse_name"]),
        "stock_on_hand": v.money(entry.get(keys["stock_on_hand"]), keys["stock_on_hand"]),
        "available_stock": v.money(entry.get(keys["available_stock"]), keys["available_stock"]),
        "actual_available_stock": v.money(
            entry.get(keys["actual_available_stock"]), keys["actual_available_stock"]
        ),
        "committed_stock": v.money(entry.get(keys["committed_stock"]), keys["committed_stock"]),
        "source_modified_at": row["source_modified_at"],
    }


def stock_levels(payload: Mapping[str, Any], item_id: str, row: Row) -> list[Row] | None:
    """Stock per warehouse from `warehouses[]`, else `locations[]`; None when the item carries neither."""
    if "warehouses" in payload:
        entries, keys = v.json_list(payload["warehouses"], "warehouses"), _WAREHOUSE_STOCK
    elif "locations" in payload:
        entries, keys = v.json_list(payload["locations"], "locations"), _LOCATION_STOCK
    else:
        return None
    levels = {}
    for entry in entries:
        level = _stock_level(entry, keys, item_id, row)
        levels[level["warehouse_zoho_id"]] = level
    return [levels[key] for key in sorted(levels)]


def map_item(payload: Mapping[str, Any], fallback_id: str | None = None) -> MappedRecord:
    """An item (detail or list row) -> one `products` row, plus `stock_levels` when it carries stock."""
    zoho_id = record_id(payload, ("item_id",), fallback_id)
    f = Fields(payload)
    f.versions()
    f.get("name", ("name", "item_name"), v.text)
    f.get("sku", "sku", v.text)
    f.get("description", "description", v.text)
    f.get("status", "status", v.text)
    f.get("unit", "unit", v.text)
    f.get("rate", "rate", v.money)
    f.get("purchase_rate", "purchase_rate", v.money)
    f.get("item_type", "item_type", v.text)
    f.get("product_type", "product_type", v.text)
    f.get("tax_zoho_id", "tax_id", v.ident)
    f.get("tax_percentage", "tax_percentage", v.money)
    f.get("stock_on_hand", "stock_on_hand", v.money)
    f.get("available_stock", ("available_stock", "actual_available_stock"), v.money)
    f.get("reorder_level", "reorder_level", v.money)
    f.get("brand", "brand", v.text)
    f.get("manufacturer", "manufacturer", v.text)
    f.get("upc", "upc", v.text)
    f.get("ean", "ean", v.text)
    f.get("image_document_id", ("image_document_id", "image_id"), v.ident)
    f.get("image_name", "image_name", v.text)
    f.custom_fields()
    try:
        levels = stock_levels(payload, zoho_id, f.row)
    except PermanentHandlerError as exc:  # refused only by a target that writes stock (see record.py)
        return mapped(f, zoho_id, "products", {}, {"stock_levels": exc.message})
    children = {} if levels is None else {"stock_levels": levels}
    return mapped(f, zoho_id, "products", children)
