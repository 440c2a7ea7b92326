"""Zoho inventory adjustments -> `stock_adjustments` (their lines kept as one JSON array)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tds.entities.mapping import values as v
from tds.entities.mapping.record import Fields, MappedRecord, Row, mapped, record_id

_ID_KEYS = ("line_item_id", "item_id", "warehouse_id", "location_id", "adjustment_account_id")
_VALUE_KEYS = ("name", "description", "unit", "quantity_adjusted", "value_adjusted")


def _line(entry: object) -> Row | None:
    """Ids as strings, everything else as sent (the column is JSON, so no Decimals)."""
    if not isinstance(entry, dict):
        return None
    line: Row = {}
    for key in _ID_KEYS:
        found = v.ident(entry.get(key), key)
        if found is not None:
            line[key] = found
    for key in _VALUE_KEYS:
        if entry.get(key) not in (None, "", " "):
            line[key] = entry[key]
    return line


def adjustment_lines(value: object, _key: str = "line_items") -> list[Row]:
    return [line for line in map(_line, v.json_list(value, "line_items")) if line is not None]


def map_inventory_adjustment(payload: Mapping[str, Any], fallback_id: str | None = None) -> MappedRecord:
    """An inventory adjustment -> a `stock_adjustments` row."""
    zoho_id = record_id(payload, ("inventory_adjustment_id",), fallback_id)
    f = Fields(payload)
    f.versions()
    f.get("date", "date", v.day)
    f.get("reason", "reason", v.text)
    f.get("adjustment_type", "adjustment_type", v.text)
    f.get("status", "status", v.text)
    f.get("reference_number", "reference_number", v.text)
    f.get("description", "description", v.text)
    f.get("total", "total", v.money)
    f.get("lines", "line_items", adjustment_lines)
    return mapped(f, zoho_id, "stock_adjustments")
