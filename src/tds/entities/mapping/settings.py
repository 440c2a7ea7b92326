"""Zoho organisation settings records: warehouses (and locations, branches) and users."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tds.entities.mapping import values as v
from tds.entities.mapping.record import Fields, MappedRecord, mapped, record_id


def map_warehouse(payload: Mapping[str, Any], fallback_id: str | None = None) -> MappedRecord:
    """A warehouse, location or branch -> a `warehouses` row.

    Warehouses carry their address flat (`address`, `city`, `zip`...); locations nest it under
    `address` with `street_address1`. Both end in one address object.
    """
    zoho_id = record_id(payload, ("warehouse_id", "location_id", "branch_id"), fallback_id)
    f = Fields(payload)
    f.versions()
    f.get("name", ("warehouse_name", "location_name", "branch_name", "name"), v.text)
    f.get("status", "status", v.text)
    f.get("is_primary", ("is_primary", "is_primary_location", "is_primary_branch"), v.flag)
    f.get("email", "email", v.text)
    f.get("phone", "phone", v.text)
    nested = payload.get("address")
    if isinstance(nested, dict):
        f.put("address", v.address(nested, "address"))
    else:
        flat_keys = ("address", "address1", "address2", "city", "state", "zip", "country", "attention")
        f.put("address", v.address(payload, "address"), present=f.has(*flat_keys))
    return mapped(f, zoho_id, "warehouses")


def map_user(payload: Mapping[str, Any], fallback_id: str | None = None) -> MappedRecord:
    """A user -> a `users` row."""
    zoho_id = record_id(payload, ("user_id",), fallback_id)
    f = Fields(payload)
    f.versions()
    f.get("name", ("name", "user_name"), v.text)
    f.get("email", "email", v.text)
    f.get("status", "status", v.text)
    f.get("role", ("user_role", "role_name", "role"), v.text)
    f.get("user_type", "user_type", v.text)
    f.get("is_employee", "is_employee", v.flag)
    return mapped(f, zoho_id, "users")
