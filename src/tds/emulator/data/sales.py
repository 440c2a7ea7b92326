"""Generated sales documents: invoices, credit notes and sales orders, each with line items."""

from __future__ import annotations

from copy import deepcopy
from datetime import datetime

from tds.emulator.data.factory import Factory, Pools, Record
from tds.emulator.data.lines import make_lines, totals

_INVOICE_STATUSES = ("draft", "sent", "overdue", "paid", "partially_paid", "void", "viewed")
_INVOICE_WEIGHTS = (5, 22, 15, 36, 12, 5, 5)
_CREDIT_STATUSES = ("draft", "open", "closed", "void")
_CREDIT_WEIGHTS = (10, 40, 45, 5)
_SO_STATUSES = ("draft", "open", "invoiced", "partially_invoiced", "void", "closed")
_SO_WEIGHTS = (10, 35, 30, 10, 5, 10)


def _weighted(f: Factory, values: tuple[str, ...], weights: tuple[int, ...]) -> str:
    return f.rng.choices(values, weights)[0]


def _sales_header(f: Factory, pools: Pools, entity: str, created: datetime, modified: datetime) -> Record:
    """Fields every sales document shares: customer, currency, people, addresses, lines, totals."""
    customer = f.pick(pools.customers)
    currency_id, code, symbol, rate = f.currencies[customer["currency_code"]]
    lines = make_lines(f, pools, entity, rate)
    shipping = f.pick((0.0, 0.0, 5_000.0)) if code == "IQD" else 0.0
    fields, hashed = f.custom_fields(entity)
    salesperson = f.pick(pools.users)
    return {
        "customer_id": customer["contact_id"],
        "customer_name": customer["contact_name"],
        "company_name": customer["company_name"],
        "email": customer["email"],
        "phone": customer["phone"],
        "country": customer["billing_address"]["country"],
        "currency_id": currency_id,
        "currency_code": code,
        "currency_symbol": symbol,
        "exchange_rate": rate,
        "price_precision": 2,
        "date": f.date(created),
        "reference_number": "" if f.chance(0.6) else f"PO-{f.rng.randint(1000, 9999)}",
        "salesperson_id": salesperson["user_id"],
        "salesperson_name": salesperson["name"],
        "created_by": salesperson["name"],
        "template_id": f.template_id,
        "template_name": "Standard Template",
        "template_type": "standard",
        "discount": 0.0,
        "discount_type": "entity_level",
        "is_discount_before_tax": True,
        "is_inclusive_tax": False,
        "shipping_charge": shipping,
        "adjustment": 0.0,
        "adjustment_description": "",
        "billing_address": deepcopy(customer["billing_address"]),
        "shipping_address": deepcopy(customer["shipping_address"]),
        "contact_persons": [customer["primary_contact_id"]],
        "location_id": "",
        "location_name": "",
        "notes": "" if f.chance(0.6) else "شكراً لتعاملكم معنا",
        "terms": "",
        "custom_fields": fields,
        "custom_field_hash": hashed,
        "has_attachment": False,
        "is_emailed": f.chance(0.5),
        "is_viewed_by_client": False,
        "client_viewed_time": "",
        "color_code": "",
        "current_sub_status_id": "",
        "documents": [],
        "tags": [],
        "line_items": lines,
        **totals(lines, shipping),
        "created_time": f.ts(created),
        "last_modified_time": f.ts(modified),
    }


def make_invoice(f: Factory, pools: Pools) -> Record:
    created, modified = f.moments()
    doc: Record = {"invoice_id": f.new_id(), "invoice_number": f.number("INV-")}
    doc.update(_sales_header(f, pools, "invoice", created, modified))
    status = _weighted(f, _INVOICE_STATUSES, _INVOICE_WEIGHTS)
    total = doc["total"]
    balance = {"paid": 0.0, "void": 0.0, "draft": total}.get(status, total)
    if status == "partially_paid":
        balance = round(total * f.rng.uniform(0.2, 0.8), 2)
    terms = f.pick((0, 15, 30))
    paid = round(total - balance, 2) if status != "void" else 0.0
    doc.update(
        {
            "status": status,
            "current_sub_status": status,
            "due_date": f.date(created, terms),
            "due_days": "",
            "payment_terms": terms,
            "payment_terms_label": "Due on Receipt" if terms == 0 else f"Net {terms}",
            "balance": balance,
            "payment_made": paid,
            "credits_applied": 0.0,
            "write_off_amount": 0.0,
            "tax_amount_withheld": 0.0,
            "unprocessed_payment_amount": 0.0,
            "last_payment_date": f.date(created, f.rng.randint(0, 20)) if paid else "",
            "payment_expected_date": "",
            "payment_reminder_enabled": False,
            "allow_partial_payments": True,
            "reminders_sent": 0,
            "last_reminder_sent_date": "",
            "schedule_time": "",
            "transaction_type": "invoice",
            "type": "invoice",
            "project_name": "",
            "salesorder_id": "",
            "salesorder_number": "",
            "ach_payment_initiated": False,
            "zcrm_potential_id": "",
            "zcrm_potential_name": "",
            "invoice_url": "",
            "is_pre_gst": False,
            "no_of_copies": 1,
            "show_no_of_copies": True,
            "updated_time": doc["last_modified_time"],
        }
    )
    if status == "viewed":
        doc.update({"is_viewed_by_client": True, "client_viewed_time": doc["last_modified_time"]})
    return doc


def make_creditnote(f: Factory, pools: Pools) -> Record:
    created, modified = f.moments()
    doc: Record = {"creditnote_id": f.new_id(), "creditnote_number": f.number("CN-", 5)}
    doc.update(_sales_header(f, pools, "creditnote", created, modified))
    status = _weighted(f, _CREDIT_STATUSES, _CREDIT_WEIGHTS)
    origin = next((i for i in pools.invoices if i["customer_id"] == doc["customer_id"]), None)
    if origin is not None:
        for line in doc["line_items"]:
            line["invoice_id"] = origin["invoice_id"]
    applied = origin is not None and status == "closed"
    doc.update(
        {
            "status": status,
            "current_sub_status": status,
            "balance": 0.0 if status in ("closed", "void") else doc["total"],
            "invoices": [_applied_invoice(origin, doc["total"])] if applied and origin else [],
            "refunds": [],
        }
    )
    return doc


def _applied_invoice(invoice: Record, amount: float) -> Record:
    return {
        "invoice_id": invoice["invoice_id"],
        "invoice_number": invoice["invoice_number"],
        "date": invoice["date"],
        "amount_applied": amount,
    }


def make_salesorder(f: Factory, pools: Pools) -> Record:
    created, modified = f.moments()
    doc: Record = {"salesorder_id": f.new_id(), "salesorder_number": f.number("SO-", 5)}
    doc.update(_sales_header(f, pools, "salesorder", created, modified))
    status = _weighted(f, _SO_STATUSES, _SO_WEIGHTS)
    invoiced = {"invoiced": "invoiced", "partially_invoiced": "partially_invoiced"}.get(
        status, "not_invoiced"
    )
    doc.update(
        {
            "status": status,
            "order_status": status,
            "current_sub_status": status,
            "invoiced_status": invoiced,
            "paid_status": "paid" if invoiced == "invoiced" and f.chance(0.6) else "unpaid",
            "shipment_date": f.date(created, f.rng.randint(1, 10)) if f.chance(0.7) else "",
            "delivery_date": "",
            "delivery_method": f.pick(("", "Courier", "توصيل داخلي", "Pickup")),
            "delivery_method_id": "",
            "bcy_total": round(doc["total"] * doc["exchange_rate"], 2),
            "total_invoiced_amount": doc["total"] if invoiced == "invoiced" else 0.0,
            "quantity_invoiced": sum(line["quantity_invoiced"] for line in doc["line_items"]),
            "billing_address_id": doc["billing_address"]["address_id"],
            "shipping_address_id": doc["shipping_address"]["address_id"],
            "contact_persons": [{"contact_person_id": pid} for pid in doc["contact_persons"]],
            "sub_statuses": [],
            "pricebook_id": "",
            "estimate_id": "",
            "due_by_days": 0,
            "due_in_days": "",
            "order_fulfillment_type": "",
            "source": "Client",
            "zcrm_potential_id": "",
            "zcrm_potential_name": "",
        }
    )
    return doc
