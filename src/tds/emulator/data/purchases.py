"""Generated bills, customer payments and vendor payments (with the documents they settle)."""

from __future__ import annotations

from tds.emulator.data import names
from tds.emulator.data.factory import Factory, Pools, Record
from tds.emulator.data.lines import make_lines, totals

_BILL_STATUSES = ("draft", "open", "overdue", "paid", "partially_paid", "void")
_BILL_WEIGHTS = (5, 30, 10, 40, 10, 5)


def make_bill(f: Factory, pools: Pools) -> Record:
    created, modified = f.moments()
    vendor = f.pick(pools.vendors)
    currency_id, code, _, rate = f.currencies[vendor["currency_code"]]
    lines = make_lines(f, pools, "bill", rate, purchase=True)
    sums = totals(lines)
    status = f.rng.choices(_BILL_STATUSES, _BILL_WEIGHTS)[0]
    balance = {"paid": 0.0, "void": 0.0}.get(status, sums["total"])
    if status == "partially_paid":
        balance = round(sums["total"] * f.rng.uniform(0.2, 0.8), 2)
    terms = vendor["payment_terms"]
    fields, hashed = f.custom_fields("bill")
    return {
        "bill_id": f.new_id(),
        "bill_number": f"{vendor['contact_name'][:3].upper()}-{f.rng.randint(1000, 99999)}",
        "vendor_id": vendor["contact_id"],
        "vendor_name": vendor["contact_name"],
        "status": status,
        "current_sub_status": status,
        "current_sub_status_id": "",
        "sub_statuses": [],
        "date": f.date(created),
        "date_formatted": f.display_date(created),
        "due_date": f.date(created, terms),
        "due_days": "",
        "reference_number": "" if f.chance(0.5) else f"PO-{f.rng.randint(1000, 9999)}",
        "payment_terms": terms,
        "payment_terms_label": vendor["payment_terms_label"],
        "currency_id": currency_id,
        "currency_code": code,
        "exchange_rate": rate,
        "price_precision": 2,
        "balance": balance,
        "line_items": lines,
        **sums,
        "discount": 0.0,
        "discount_setting": "flat",
        "adjustment": 0.0,
        "is_inclusive_tax": False,
        "purchaseorder_ids": [],
        "payments": [],
        "vendor_credits": [],
        "billing_address": dict(vendor["billing_address"]),
        "notes": "",
        "terms": "",
        "custom_fields": fields,
        "custom_field_hash": hashed,
        "has_attachment": False,
        "attachment_name": "",
        "is_viewed_by_client": False,
        "client_viewed_time": "",
        "color_code": "",
        "entity_type": "bill",
        "tds_total": 0.0,
        "unprocessed_payment_amount": 0.0,
        "is_bill_reconciliation_violated": False,
        "is_tally_bill": False,
        "is_uber_bill": False,
        "created_time": f.ts(created),
        "last_modified_time": f.ts(modified),
    }


def _settled(documents: list[Record], before: str) -> list[Record]:
    """Paid or part-paid documents created before `before` (same-offset stamps compare as text)."""
    return [d for d in documents if d["status"] in ("paid", "partially_paid") and d["created_time"] <= before]


def make_customerpayment(f: Factory, pools: Pools) -> Record:
    created, modified = f.moments()
    customers = {c["contact_id"]: c for c in pools.customers}
    candidates = [i for i in _settled(pools.invoices, f.ts(created)) if i["customer_id"] in customers]
    invoice = f.pick(candidates) if candidates else None
    customer = customers[invoice["customer_id"]] if invoice else f.pick(pools.customers)
    customer_id = customer["contact_id"]
    applied = [_invoice_application(invoice)] if invoice else []
    amount = round(sum(a["amount_applied"] for a in applied), 2) or f.money(10_000, 900_000)
    unused = 0.0 if applied else amount
    currency_id, code, _, rate = f.currencies[customer["currency_code"]]
    mode, mode_label = f.pick(names.PAYMENT_MODES)
    fields, hashed = f.custom_fields("customerpayment")
    return {
        "payment_id": f.new_id(),
        "payment_number": f.number(""),
        "customer_id": customer_id,
        "customer_name": customer["contact_name"],
        "date": f.date(created),
        "amount": amount,
        "bcy_amount": round(amount * rate, 2),
        "unused_amount": unused,
        "bcy_unused_amount": round(unused * rate, 2),
        "bcy_refunded_amount": 0.0,
        "payment_mode": mode,
        "payment_mode_formatted": mode_label,
        "description": "" if f.chance(0.6) else "دفعة نقدية",
        "reference_number": "" if f.chance(0.5) else f"RCPT-{f.rng.randint(1000, 99999)}",
        "account_id": f.deposit_account[0],
        "account_name": f.deposit_account[1],
        "invoice_numbers": ",".join(a["invoice_number"] for a in applied),
        "payment_type": "invoice_payment",
        "payment_status": "paid",
        "has_attachment": False,
        "currency_id": currency_id,
        "currency_code": code,
        "exchange_rate": rate,
        "bank_charges": 0.0,
        "invoices": applied,
        "custom_fields": fields,
        "custom_field_hash": hashed,
        "created_time": f.ts(created),
        "last_modified_time": f.ts(modified),
    }


def _invoice_application(invoice: Record) -> Record:
    return {
        "invoice_id": invoice["invoice_id"],
        "invoice_number": invoice["invoice_number"],
        "date": invoice["date"],
        "invoice_amount": invoice["total"],
        "amount_applied": invoice["payment_made"],
        "balance_amount": invoice["balance"],
    }


def make_vendorpayment(f: Factory, pools: Pools) -> Record:
    created, modified = f.moments()
    vendors = {v["contact_id"]: v for v in pools.vendors}
    candidates = [b for b in _settled(pools.bills, f.ts(created)) if b["vendor_id"] in vendors]
    bill = f.pick(candidates) if candidates else None
    vendor = vendors[bill["vendor_id"]] if bill else f.pick(pools.vendors)
    vendor_id = vendor["contact_id"]
    applied = [_bill_application(f, bill)] if bill else []
    amount = round(sum(a["amount_applied"] for a in applied), 2) or f.money(10_000, 900_000)
    currency_id, code, _, rate = f.currencies[vendor["currency_code"]]
    mode, mode_label = f.pick(names.PAYMENT_MODES)
    fields, hashed = f.custom_fields("vendorpayment")
    return {
        "payment_id": f.new_id(),
        "payment_number": f.number("VP-", 5),
        "vendor_id": vendor_id,
        "vendor_name": vendor["contact_name"],
        "date": f.date(created),
        "amount": amount,
        "unused_amount": 0.0 if applied else amount,
        "payment_mode": mode,
        "payment_mode_formatted": mode_label,
        "description": "",
        "reference_number": "" if f.chance(0.5) else f"TRX-{f.rng.randint(1000, 99999)}",
        "account_id": f.deposit_account[0],
        "account_name": f.deposit_account[1],
        "paid_through_account_id": f.deposit_account[0],
        "paid_through_account_name": f.deposit_account[1],
        "currency_id": currency_id,
        "currency_code": code,
        "exchange_rate": rate,
        "bills": applied,
        "custom_fields": fields,
        "custom_field_hash": hashed,
        "created_time": f.ts(created),
        "last_modified_time": f.ts(modified),
    }


def _bill_application(f: Factory, bill: Record) -> Record:
    return {
        "bill_id": bill["bill_id"],
        "bill_number": bill["bill_number"],
        "bill_payment_id": f.new_id(),
        "date": bill["date"],
        "due_date": bill["due_date"],
        "total": bill["total"],
        "balance": bill["balance"],
        "amount_applied": round(bill["total"] - bill["balance"], 2),
    }
