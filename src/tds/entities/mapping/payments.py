"""Zoho customer payments and vendor payments -> `payments`, told apart by `payment_kind`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from tds.entities.mapping import values as v
from tds.entities.mapping.record import Fields, MappedRecord, Row, mapped, record_id


def _application(entry: object, document: str) -> Row | None:
    """One allocation of the payment to an invoice or bill, ids as strings, amounts as sent."""
    if not isinstance(entry, dict):
        return None
    found: Row = {f"{document}_id": v.ident(entry.get(f"{document}_id"), f"{document}_id")}
    for key in (f"{document}_number", "date", "amount_applied", "invoice_amount", "total", "balance_amount"):
        if key in entry and entry[key] not in (None, "", " "):
            found[key] = entry[key]
    return found


def applications(value: object, document: str) -> list[Row]:
    entries = v.json_list(value, f"{document}s")
    return [a for a in (_application(e, document) for e in entries) if a is not None]


def _payment_mapper(kind: str, party: str, document: str) -> Callable[..., MappedRecord]:
    def map_payment(payload: Mapping[str, Any], fallback_id: str | None = None) -> MappedRecord:
        zoho_id = record_id(payload, ("payment_id",), fallback_id)
        f = Fields(payload)
        f.versions()
        f.put("payment_kind", kind)
        f.get("payment_number", "payment_number", v.text)
        f.get("contact_zoho_id", f"{party}_id", v.ident)
        f.get("contact_name", f"{party}_name", v.text)
        f.get("date", "date", v.day)
        f.get("amount", "amount", v.money)
        f.get("unused_amount", "unused_amount", v.money)
        f.get("payment_mode", "payment_mode", v.text)
        f.get("reference_number", "reference_number", v.text)
        f.get("description", "description", v.text)
        f.get("currency_code", "currency_code", v.text)
        f.get("exchange_rate", "exchange_rate", v.money)
        f.get("account_name", ("account_name", "paid_through_account_name"), v.text)
        f.get("applications", f"{document}s", lambda value, _key: applications(value, document))
        f.custom_fields()
        return mapped(f, zoho_id, "payments")

    map_payment.__doc__ = f"A {kind} payment -> a `payments` row (`payment_kind` {kind!r})."
    return map_payment


map_customerpayment = _payment_mapper("customer", "customer", "invoice")
map_vendorpayment = _payment_mapper("vendor", "vendor", "bill")
