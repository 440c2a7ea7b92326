"""Zoho contacts -> `customers` or `vendors`, by `contact_type`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tds.entities.mapping import values as v
from tds.entities.mapping.record import Fields, MappedRecord, Row, mapped, record_id

CONTACT_TABLES = {"customer": "customers", "vendor": "vendors"}

_PERSON_FIELDS = (
    "salutation",
    "first_name",
    "last_name",
    "email",
    "phone",
    "mobile",
    "designation",
    "department",
)


def _person(entry: object) -> Row | None:
    if not isinstance(entry, dict):
        # Documents list contact persons as bare id strings; contacts list them as objects.
        person_id = v.ident(entry, "contact_persons")
        return {"contact_person_id": person_id} if person_id else None
    person: Row = {"contact_person_id": v.ident(entry.get("contact_person_id"), "contact_person_id")}
    for key in _PERSON_FIELDS:
        value = v.text(entry.get(key), key)
        if value is not None:
            person[key] = value
    person["is_primary_contact"] = bool(v.flag(entry.get("is_primary_contact"), "is_primary_contact"))
    return person


def contact_persons(value: object, field: str = "contact_persons") -> list[Row]:
    return [p for p in map(_person, v.json_list(value, field)) if p is not None]


def _primary(persons: list[Row]) -> Row:
    return next((p for p in persons if p.get("is_primary_contact")), {})


def _tables(payload: Mapping[str, Any]) -> str | None:
    kind = v.text(payload.get("contact_type"), "contact_type")
    if kind is None:
        return None
    return CONTACT_TABLES.get(kind.strip().lower())


def map_contact(payload: Mapping[str, Any], fallback_id: str | None = None) -> MappedRecord:
    """A contact (detail or list row) -> one `customers` or `vendors` row.

    Email and phones come from the record (list rows: the primary person's) or else from the
    primary contact person of the detail shape. The outstanding amount is the receivable for a
    customer and the payable for a vendor.
    """
    zoho_id = record_id(payload, ("contact_id",), fallback_id)
    table = _tables(payload)
    f = Fields(payload)
    f.versions()
    f.get("name", ("contact_name", "customer_name", "vendor_name", "display_name"), v.text)
    f.get("company_name", "company_name", v.text)
    f.get("contact_sub_type", "customer_sub_type", v.text)
    f.get("status", "status", v.text)
    f.get("currency_code", "currency_code", v.text)
    f.get("payment_terms", "payment_terms", v.integer)
    f.get("credit_limit", "credit_limit", v.money)
    receivable = ("outstanding_receivable_amount", "outstanding_payable_amount")
    f.get("outstanding_amount", receivable if table != "vendors" else receivable[::-1], v.money)
    f.get("tax_reg_no", ("tax_reg_no", "vat_reg_no", "gst_no", "trn_no", "pan_no"), v.text)
    f.get("billing_address", "billing_address", v.address)
    f.get("shipping_address", "shipping_address", v.address)
    f.get("contact_persons", "contact_persons", contact_persons)
    f.get("notes", "notes", v.text)
    f.custom_fields()
    primary = _primary(f.row["contact_persons"] or [])
    for column in ("email", "phone", "mobile"):
        if column in payload:
            f.put(column, v.text(payload[column], column))
        else:
            f.put(column, primary.get(column), present="contact_persons" in payload)
    return mapped(f, zoho_id, table)
