"""A seeded, deterministic generator of realistic Zoho Books records for every catalog entity.

`generate(seed, sizes)` returns detail-shaped records (the full record, as `GET /<entity>/{id}`
answers) keyed by catalog entity name; list rows are projected from them by `tds.emulator.shapes`.
The same seed and sizes give the same records, byte for byte. The `make_*` functions run long
on purpose: each spells out a Zoho record literally, one field per line, so it reads like the docs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from tds.emulator.data.factory import Factory, Pools, Record
from tds.emulator.data.parties import make_contact, make_user, make_warehouse
from tds.emulator.data.purchases import make_bill, make_customerpayment, make_vendorpayment
from tds.emulator.data.sales import make_creditnote, make_invoice, make_salesorder
from tds.emulator.data.stock import make_adjustment, make_item, make_pricebook
from tds.emulator.options import DEFAULT_ANCHOR, DEFAULT_OFFSET_MINUTES, DatasetSizes

__all__ = ["Dataset", "Factory", "Pools", "Record", "generate"]


@dataclass
class Dataset:
    """Generated records by entity name, plus the factory and pools that keep making more."""

    records: dict[str, list[Record]]
    factory: Factory
    pools: Pools


def generate(
    seed: int = 1,
    sizes: DatasetSizes | None = None,
    anchor: datetime = DEFAULT_ANCHOR,
    offset_minutes: int = DEFAULT_OFFSET_MINUTES,
) -> Dataset:
    """Makes every entity in dependency order (warehouses and people first, payments last)."""
    sizes = sizes or DatasetSizes()
    f = Factory(seed, anchor, timezone(timedelta(minutes=offset_minutes)))
    p = Pools()
    p.warehouses = [make_warehouse(f, i) for i in range(max(1, sizes.warehouses))]
    p.users = [make_user(f, i) for i in range(max(1, sizes.users))]
    contacts = max(2, sizes.contacts)
    vendors = max(1, contacts * 3 // 10)
    p.vendors = _many(f, vendors, lambda: make_contact(f, "vendor", f.pick(p.users)))
    p.customers = _many(f, contacts - vendors, lambda: make_contact(f, "customer", f.pick(p.users)))
    p.items = _many(f, sizes.items, lambda: make_item(f, p))
    p.invoices = _many(f, sizes.invoices, lambda: make_invoice(f, p))
    p.bills = _many(f, sizes.bills, lambda: make_bill(f, p))
    records = {
        "warehouse": p.warehouses,
        "user": p.users,
        "contact": _interleave(p.customers, p.vendors),
        "item": p.items,
        "pricebook": [make_pricebook(f, p, i) for i in range(sizes.pricebooks)],
        "invoice": p.invoices,
        "creditnote": _many(f, sizes.creditnotes, lambda: make_creditnote(f, p)),
        "salesorder": _many(f, sizes.salesorders, lambda: make_salesorder(f, p)),
        "bill": p.bills,
        "customerpayment": _many(f, sizes.customerpayments, lambda: make_customerpayment(f, p)),
        "vendorpayment": _many(f, sizes.vendorpayments, lambda: make_vendorpayment(f, p)),
        "inventory_adjustment": _many(f, sizes.inventory_adjustments, lambda: make_adjustment(f, p)),
    }
    _settle_contacts(records)
    return Dataset(records=records, factory=f, pools=p)


def _many(f: Factory, count: int, make: Callable[[], Record]) -> list[Record]:
    """`count` records of one series, oldest first."""
    made = []
    for index in range(count):
        f.progress = (index + 1) / count
        made.append(make())
    return made


def _interleave(customers: list[Record], vendors: list[Record]) -> list[Record]:
    return sorted([*customers, *vendors], key=lambda c: int(c["contact_id"]))


def _settle_contacts(records: dict[str, list[Record]]) -> None:
    """Contacts' outstanding amounts and `has_transaction` follow from their documents."""
    by_id = {c["contact_id"]: c for c in records["contact"]}
    for invoice in records["invoice"]:
        contact = by_id[invoice["customer_id"]]
        contact["has_transaction"] = True
        if invoice["status"] not in ("draft", "void"):
            _add(contact, "outstanding_receivable_amount", invoice["balance"], invoice["exchange_rate"])
    for bill in records["bill"]:
        contact = by_id[bill["vendor_id"]]
        contact["has_transaction"] = True
        if bill["status"] not in ("draft", "void"):
            _add(contact, "outstanding_payable_amount", bill["balance"], bill["exchange_rate"])
    for document in (*records["creditnote"], *records["salesorder"], *records["customerpayment"]):
        by_id[document["customer_id"]]["has_transaction"] = True
    for payment in records["vendorpayment"]:
        by_id[payment["vendor_id"]]["has_transaction"] = True


def _add(contact: Record, field: str, amount: float, rate: float) -> None:
    contact[field] = round(contact[field] + amount, 2)
    contact[f"{field}_bcy"] = round(contact[f"{field}_bcy"] + amount * rate, 2)
