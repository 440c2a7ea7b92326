"""Zoho invoices, bills, credit notes and sales orders -> a header row plus line rows."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from tds.entities.mapping import values as v
from tds.entities.mapping.record import Fields, MappedRecord, Row, mapped, record_id
from tds.errors import PermanentHandlerError


def _line(entry: object, line_no: int, document_id: str) -> Row:
    if not isinstance(entry, dict):
        raise PermanentHandlerError(
            f"line {line_no} of document {document_id} is not an object", field="line_items"
        )
    return {
        "document_zoho_id": document_id,
        "line_no": line_no,
        "line_item_zoho_id": v.ident(entry.get("line_item_id"), "line_item_id"),
        "item_zoho_id": v.ident(entry.get("item_id"), "item_id"),
        "name": v.text(entry.get("name") or entry.get("item_name"), "name"),
        "description": v.text(entry.get("description"), "description"),
        "sku": v.text(entry.get("sku"), "sku"),
        "quantity": v.money(entry.get("quantity"), "quantity"),
        "unit": v.text(entry.get("unit"), "unit"),
        "rate": v.money(entry.get("rate"), "rate"),
        "discount": v.amount(entry.get("discount_amount", entry.get("discount")), "discount"),
        "tax_zoho_id": v.ident(entry.get("tax_id"), "tax_id"),
        "tax_percentage": v.money(entry.get("tax_percentage"), "tax_percentage"),
        "item_total": v.money(entry.get("item_total"), "item_total"),
        "warehouse_zoho_id": v.ident(entry.get("warehouse_id") or entry.get("location_id"), "warehouse_id"),
        "custom_fields": v.custom_fields(entry.get("item_custom_fields"), None, "item_custom_fields"),
    }


def lines(payload: Mapping[str, Any], document_id: str) -> list[Row] | None:
    """Line rows numbered by position (1-based); None when the record has no `line_items` key."""
    if "line_items" not in payload:
        return None
    entries = v.json_list(payload["line_items"], "line_items")
    return [_line(entry, n, document_id) for n, entry in enumerate(entries, start=1)]


def _header(f: Fields, number: str, party: str) -> None:
    """The columns every document table shares (tables.py `_document_columns`)."""
    f.versions()
    f.get(number, number, v.text)
    f.get(f"{party}_zoho_id", f"{party}_id", v.ident)
    f.get(f"{party}_name", f"{party}_name", v.text)
    f.get("status", "status", v.text)
    f.get("date", "date", v.day)
    f.get("reference_number", "reference_number", v.text)
    f.get("currency_code", "currency_code", v.text)
    f.get("exchange_rate", "exchange_rate", v.money)
    f.get("sub_total", "sub_total", v.money)
    f.get("tax_total", "tax_total", v.money)
    f.get("discount", ("discount_amount", "discount"), v.amount)
    f.get("total", "total", v.money)
    f.get("location_zoho_id", ("location_id", "branch_id"), v.ident)
    f.get("notes", "notes", v.text)
    f.custom_fields()


def _addresses(f: Fields) -> None:
    f.get("billing_address", "billing_address", v.address)
    f.get("shipping_address", "shipping_address", v.address)


def _invoice_extras(f: Fields) -> None:
    f.get("due_date", "due_date", v.day)
    f.get("balance", "balance", v.money)
    f.get("salesperson_name", "salesperson_name", v.text)
    _addresses(f)


def _bill_extras(f: Fields) -> None:
    f.get("due_date", "due_date", v.day)
    f.get("balance", "balance", v.money)


def _credit_note_extras(f: Fields) -> None:
    f.get("balance", "balance", v.money)


def _sales_order_extras(f: Fields) -> None:
    f.get("shipment_date", "shipment_date", v.day)
    f.get("order_status", "order_status", v.text)
    f.get("invoiced_status", "invoiced_status", v.text)
    f.get("paid_status", "paid_status", v.text)
    f.get("salesperson_name", "salesperson_name", v.text)
    _addresses(f)


def _document_mapper(
    id_field: str, number: str, party: str, table: str, lines_table: str, extras: Callable[[Fields], None]
) -> Callable[[Mapping[str, Any], str | None], MappedRecord]:
    def map_document(payload: Mapping[str, Any], fallback_id: str | None = None) -> MappedRecord:
        zoho_id = record_id(payload, (id_field,), fallback_id)
        f = Fields(payload)
        _header(f, number, party)
        extras(f)
        rows = lines(payload, zoho_id)
        return mapped(f, zoho_id, table, {} if rows is None else {lines_table: rows})

    map_document.__doc__ = f"A {table} record (detail or list row) -> a `{table}` row and `{lines_table}`."
    return map_document


map_invoice = _document_mapper(
    "invoice_id", "invoice_number", "customer", "invoices", "invoice_lines", _invoice_extras
)
map_bill = _document_mapper("bill_id", "bill_number", "vendor", "bills", "bill_lines", _bill_extras)
map_creditnote = _document_mapper(
    "creditnote_id", "creditnote_number", "customer", "credit_notes", "credit_note_lines", _credit_note_extras
)
map_salesorder = _document_mapper(
    "salesorder_id",
    "salesorder_number",
    "customer",
    "sales_orders",
    "sales_order_lines",
    _sales_order_extras,
)
