"""Zoho price books (Books' "price lists") -> `price_lists`, and `pricebook_items[]` -> `price_list_items`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tds.entities.mapping import values as v
from tds.entities.mapping.record import Fields, MappedRecord, Row, mapped, record_id
from tds.errors import PermanentHandlerError


def _bracket(entry: object) -> Row:
    if not isinstance(entry, dict):
        raise PermanentHandlerError("a price bracket is not an object", field="price_brackets")
    return {key: entry.get(key) for key in ("start_quantity", "end_quantity", "pricebook_rate")}


def _price(entry: object, price_list_id: str) -> Row:
    if not isinstance(entry, dict):
        raise PermanentHandlerError(
            f"an item of price list {price_list_id} is not an object", field="pricebook_items"
        )
    item_id = v.ident(entry.get("item_id"), "item_id")
    if item_id is None:
        raise PermanentHandlerError(f"an item of price list {price_list_id} has no item_id", field="item_id")
    brackets = [_bracket(b) for b in v.json_list(entry.get("price_brackets"), "price_brackets")]
    return {
        "price_list_zoho_id": price_list_id,
        "item_zoho_id": item_id,
        "name": v.text(entry.get("name") or entry.get("item_name"), "name"),
        "sku": v.text(entry.get("sku"), "sku"),
        "rate": v.money(entry.get("rate"), "rate"),
        "price_list_rate": v.money(entry.get("pricebook_rate"), "pricebook_rate"),
        "price_brackets": brackets or None,
    }


def prices(payload: Mapping[str, Any], price_list_id: str) -> list[Row] | None:
    """One row per item (the last wins if Zoho repeats one), ordered by item id; None if not carried."""
    if "pricebook_items" not in payload:
        return None
    found = {}
    for entry in v.json_list(payload["pricebook_items"], "pricebook_items"):
        row = _price(entry, price_list_id)
        found[row["item_zoho_id"]] = row
    return [found[key] for key in sorted(found)]


def map_pricebook(payload: Mapping[str, Any], fallback_id: str | None = None) -> MappedRecord:
    """A price book -> a `price_lists` row and, when it carries them, its `price_list_items`."""
    zoho_id = record_id(payload, ("pricebook_id",), fallback_id)
    f = Fields(payload)
    f.versions()
    f.get("name", ("name", "pricebook_name"), v.text)
    f.get("description", "description", v.text)
    f.get("currency_code", "currency_code", v.text)
    f.get("status", "status", v.text)
    f.get("pricebook_type", "pricebook_type", v.text)
    f.get("sales_or_purchase_type", "sales_or_purchase_type", v.text)
    f.get("percentage", "percentage", v.money)
    f.get("is_increase", "is_increase", v.flag)
    f.get("rounding_type", "rounding_type", v.text)
    f.get("is_default", "is_default", v.flag)
    rows = prices(payload, zoho_id)
    return mapped(f, zoho_id, "price_lists", {} if rows is None else {"price_list_items": rows})
