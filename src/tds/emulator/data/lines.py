"""Line items of sales and purchase documents, and the totals they add up to."""

from __future__ import annotations

from tds.emulator.data.factory import Factory, Pools, Record


def make_lines(
    f: Factory, pools: Pools, kind: str, exchange_rate: float, purchase: bool = False
) -> list[Record]:
    """1-6 lines over random items, priced in the document currency (`kind` adds its own fields)."""
    count = f.rng.randint(1, 6)
    chosen = f.rng.sample(pools.items, min(count, len(pools.items)))
    return [
        _line(f, pools, item, order, kind, exchange_rate, purchase) for order, item in enumerate(chosen, 1)
    ]


def _line(
    f: Factory, pools: Pools, item: Record, order: int, kind: str, exchange_rate: float, purchase: bool
) -> Record:
    base_rate = item["purchase_rate"] if purchase else item["rate"]
    rate = round(base_rate / exchange_rate, 2)
    quantity = f.rng.randint(1, 24)
    discount = round(rate * quantity * 0.05, 2) if f.chance(0.15) else 0.0
    warehouse = _warehouse_of(f, pools, item)
    line: Record = {
        "line_item_id": f.new_id(),
        "item_id": item["item_id"],
        "name": item["name"],
        "description": item["description"],
        "sku": item["sku"],
        "item_order": order,
        "item_type": item["item_type"],
        "product_type": item["product_type"],
        "bcy_rate": base_rate,
        "rate": rate,
        "quantity": quantity,
        "unit": item["unit"],
        "discount_amount": discount,
        "discount": discount,
        "tax_id": item["tax_id"],
        "tax_name": item["tax_name"],
        "tax_type": "tax" if item["tax_id"] else "",
        "tax_percentage": item["tax_percentage"],
        "tax_treatment_code": "",
        "item_total": round(rate * quantity - discount, 2),
        "project_id": "",
        "project_name": "",
        "time_entry_ids": [],
        "expense_id": "",
        "expense_receipt_name": "",
        "header_id": "",
        "header_name": "",
        "tags": [],
        "item_custom_fields": [],
        "location_id": "",
        "location_name": "",
        "warehouse_id": warehouse["warehouse_id"] if warehouse else "",
        "warehouse_name": warehouse["warehouse_name"] if warehouse else "",
        "warehouses": [_line_stock(row) for row in item["warehouses"]],
    }
    line.update(_EXTRAS[kind](f, line, item))
    return line


def _warehouse_of(f: Factory, pools: Pools, item: Record) -> Record | None:
    if item["warehouses"]:
        return f.pick(item["warehouses"])  # type: ignore[no-any-return]
    return None


def _line_stock(row: Record) -> Record:
    # Line items report warehouse stock as a string (Books invoice attribute list).
    return {
        "warehouse_id": row["warehouse_id"],
        "warehouse_name": row["warehouse_name"],
        "warehouse_stock_on_hand": str(row["warehouse_stock_on_hand"]),
    }


def _invoice_extras(f: Factory, line: Record, item: Record) -> Record:
    return {"salesorder_item_id": "", "account_id": item["account_id"], "account_name": item["account_name"]}


def _salesorder_extras(f: Factory, line: Record, item: Record) -> Record:
    invoiced = line["quantity"] if f.chance(0.4) else 0
    return {
        "item_total_inclusive_of_tax": round(line["item_total"] * (1 + line["tax_percentage"] / 100), 2),
        "is_invoiced": invoiced > 0,
        "stock_on_hand": item["stock_on_hand"],
        "image_id": "",
        "image_name": "",
        "image_type": "",
        "quantity_invoiced": invoiced,
        "quantity_shipped": invoiced,
        "quantity_packed": invoiced,
    }


def _bill_extras(f: Factory, line: Record, item: Record) -> Record:
    return {
        "account_id": item["purchase_account_id"],
        "account_name": item["purchase_account_name"],
        "is_billable": False,
        "customer_id": "",
        "customer_name": "",
        "purchaseorder_item_id": "",
    }


def _creditnote_extras(f: Factory, line: Record, item: Record) -> Record:
    return {"invoice_id": "", "invoice_item_id": "", "account_id": item["account_id"]}


_EXTRAS = {
    "invoice": _invoice_extras,
    "salesorder": _salesorder_extras,
    "bill": _bill_extras,
    "creditnote": _creditnote_extras,
}


def totals(lines: list[Record], shipping: float = 0.0, adjustment: float = 0.0) -> Record:
    """`sub_total`, `tax_total`, `taxes[]` ({tax_name, tax_amount}) and `total` of a document."""
    sub_total = round(sum(line["item_total"] for line in lines), 2)
    by_tax: dict[str, float] = {}
    for line in lines:
        if line["tax_id"]:
            label = f"{line['tax_name']} ({line['tax_percentage']:g}%)"
            by_tax[label] = by_tax.get(label, 0.0) + line["item_total"] * line["tax_percentage"] / 100
    tax_total = round(sum(by_tax.values()), 2)
    return {
        "sub_total": sub_total,
        "tax_total": tax_total,
        "taxes": [{"tax_name": name, "tax_amount": round(amount, 2)} for name, amount in by_tax.items()],
        "total": round(sub_total + tax_total + shipping + adjustment, 2),
    }
