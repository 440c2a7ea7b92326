"""How records come and change over time: a maker per entity and realistic in-place edits."""

from __future__ import annotations

from collections.abc import Callable

from tds.emulator.data.factory import Factory, Pools, Record
from tds.emulator.data.parties import make_contact, make_user, make_warehouse
from tds.emulator.data.purchases import make_bill, make_customerpayment, make_vendorpayment
from tds.emulator.data.sales import make_creditnote, make_invoice, make_salesorder
from tds.emulator.data.stock import adjust_stock, make_adjustment, make_item, make_pricebook

Maker = Callable[[Factory, Pools, int], Record]
EditFn = Callable[[Factory, Record], None]

MAKERS: dict[str, Maker] = {
    "warehouse": lambda f, p, n: make_warehouse(f, n),
    "user": lambda f, p, n: make_user(f, n),
    "contact": lambda f, p, n: make_contact(f, "vendor" if f.chance(0.3) else "customer", f.pick(p.users)),
    "item": lambda f, p, n: make_item(f, p),
    "pricebook": lambda f, p, n: make_pricebook(f, p, n),
    "invoice": lambda f, p, n: make_invoice(f, p),
    "creditnote": lambda f, p, n: make_creditnote(f, p),
    "salesorder": lambda f, p, n: make_salesorder(f, p),
    "bill": lambda f, p, n: make_bill(f, p),
    "customerpayment": lambda f, p, n: make_customerpayment(f, p),
    "vendorpayment": lambda f, p, n: make_vendorpayment(f, p),
    "inventory_adjustment": lambda f, p, n: make_adjustment(f, p),
}


def _today(f: Factory) -> str:
    return f.date(f.now or f.anchor)


def _toggle_status(f: Factory, r: Record) -> None:
    r["status"] = "inactive" if r["status"] == "active" else "active"


def _reference(f: Factory, r: Record) -> None:
    r["reference_number"] = f"REF-{f.rng.randint(10_000, 99_999)}"


def _describe(f: Factory, r: Record) -> None:
    r["description"] = f"{f.pick(('محدث', 'updated', 'تعديل', 'geändert'))} {f.rng.randint(1, 999)}"


def _item_price(f: Factory, r: Record) -> None:
    r["rate"] = round(r["rate"] * f.rng.uniform(0.9, 1.1), 2)


def _item_stock(f: Factory, r: Record) -> None:
    if r["warehouses"]:
        adjust_stock(r, f.pick(r["warehouses"])["warehouse_id"], f.rng.randint(-5, 20))
    else:
        _item_price(f, r)


def _contact_phone(f: Factory, r: Record) -> None:
    phone = f.phone()
    r["phone"] = phone
    for person in r["contact_persons"]:
        if person["is_primary_contact"]:
            person["phone"] = phone


def _contact_terms(f: Factory, r: Record) -> None:
    terms = f.pick((0, 15, 30, 45, 60))
    r["payment_terms"] = terms
    r["payment_terms_label"] = "Due on Receipt" if terms == 0 else f"Net {terms}"


def _contact_custom(f: Factory, r: Record) -> None:
    r["custom_fields"], r["custom_field_hash"] = f.custom_fields("contact")


def _contact_address(f: Factory, r: Record) -> None:
    r["billing_address"] = f.address(r["contact_name"])


def _settle(f: Factory, r: Record, status: str) -> None:
    r["status"] = status
    r["current_sub_status"] = status
    if status == "paid":
        if "payment_made" in r:
            r["payment_made"] = r["total"]
            r["last_payment_date"] = _today(f)
        r["balance"] = 0.0
    elif status == "void":
        r["balance"] = 0.0


_INVOICE_NEXT = {
    "draft": "sent",
    "sent": "paid",
    "viewed": "paid",
    "overdue": "paid",
    "partially_paid": "paid",
}
_BILL_NEXT = {"draft": "open", "open": "paid", "overdue": "paid", "partially_paid": "paid"}


def _invoice_progress(f: Factory, r: Record) -> None:
    following = _INVOICE_NEXT.get(r["status"])
    if following is None:
        _reference(f, r)
    elif r["status"] == "sent" and f.chance(0.2):
        _settle(f, r, f.pick(("overdue", "void")))
    else:
        _settle(f, r, following)


def _bill_progress(f: Factory, r: Record) -> None:
    following = _BILL_NEXT.get(r["status"])
    if following is None:
        _reference(f, r)
    else:
        _settle(f, r, following)


def _creditnote_progress(f: Factory, r: Record) -> None:
    if r["status"] in ("draft", "open"):
        r["status"] = r["current_sub_status"] = "open" if r["status"] == "draft" else "closed"
        r["balance"] = r["total"] if r["status"] == "open" else 0.0
    else:
        _reference(f, r)


def _salesorder_progress(f: Factory, r: Record) -> None:
    following = {"draft": "open", "open": "invoiced", "partially_invoiced": "invoiced"}.get(r["status"])
    if following is None:
        _reference(f, r)
        return
    r["status"] = r["order_status"] = r["current_sub_status"] = following
    if following == "invoiced":
        r["invoiced_status"] = "invoiced"
        r["total_invoiced_amount"] = r["total"]
        r["shipment_date"] = r["shipment_date"] or _today(f)


def _notes(f: Factory, r: Record) -> None:
    r["notes"] = f.pick(("يرجى التسليم صباحاً", "Deliver to back entrance", "Lieferung bis Freitag", ""))


def _pricebook_rate(f: Factory, r: Record) -> None:
    if not r["pricebook_items"]:
        _toggle_status(f, r)
        return
    row = f.pick(r["pricebook_items"])
    row["pricebook_rate"] = round(row["pricebook_rate"] * f.rng.uniform(0.9, 1.1), 2)


def _warehouse_phone(f: Factory, r: Record) -> None:
    r["phone"] = f.phone()


def _user_mobile(f: Factory, r: Record) -> None:
    r["mobile"] = f.phone()


EDITS: dict[str, tuple[EditFn, ...]] = {
    "item": (_item_price, _item_stock, _item_stock, _toggle_status, _describe),
    "contact": (_contact_phone, _contact_terms, _contact_custom, _contact_address, _toggle_status),
    "invoice": (_invoice_progress, _invoice_progress, _reference, _notes),
    "bill": (_bill_progress, _bill_progress, _reference, _notes),
    "creditnote": (_creditnote_progress, _reference),
    "salesorder": (_salesorder_progress, _salesorder_progress, _reference, _notes),
    "customerpayment": (_describe, _reference),
    "vendorpayment": (_describe, _reference),
    "pricebook": (_pricebook_rate, _pricebook_rate, _toggle_status),
    "inventory_adjustment": (_describe, _reference),
    "warehouse": (_warehouse_phone,),
    "user": (_user_mobile,),
}


def random_edit(f: Factory, entity: str) -> EditFn:
    """One of the entity's realistic edits, chosen by the factory's seeded generator."""
    return f.pick(EDITS[entity])  # type: ignore[no-any-return]
