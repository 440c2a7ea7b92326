"""Generated items (with stock per warehouse), price lists and inventory adjustments."""

from __future__ import annotations

from tds.emulator.data import names
from tds.emulator.data.factory import Factory, Pools, Record

_PRICEBOOK_NAMES = (
    "قائمة أسعار الجملة",
    "Wholesale",
    "VIP عملاء",
    "Retail Baghdad",
    "Distributors",
    "Ramadan عروض",
)


def make_item(f: Factory, pools: Pools) -> Record:
    created, modified = f.moments()
    goods = f.chance(0.85)
    tracked = goods and f.chance(0.9)
    name = f.product_name()
    rate = f.money(1_000, 750_000)
    vendor = f.pick(pools.vendors) if pools.vendors and f.chance(0.7) else None
    taxed = f.chance(0.4)
    fields, hashed = f.custom_fields("item")
    item: Record = {
        "item_id": f.new_id(),
        "name": name,
        "item_name": name,
        "status": "active" if f.chance(0.92) else "inactive",
        "description": "" if f.chance(0.5) else f"{name} - ضمان سنة",
        "rate": rate,
        "unit": f.pick(names.UNITS),
        "sku": f"SKU-{f.rng.randint(10_000, 99_999)}-{f.rng.randint(10, 99)}",
        "tax_id": f.tax[0] if taxed else "",
        "tax_name": f.tax[1] if taxed else "",
        "tax_percentage": f.tax[2] if taxed else 0,
        "product_type": "goods" if goods else "service",
        "item_type": "inventory" if tracked else f.pick(("sales", "sales_and_purchases")),
        "account_id": f.sales_account[0],
        "account_name": f.sales_account[1],
        "purchase_account_id": f.purchase_account[0],
        "purchase_account_name": f.purchase_account[1],
        "purchase_rate": round(rate * f.rng.uniform(0.55, 0.85), 2),
        "purchase_description": "",
        "inventory_account_id": f.inventory_account[0] if tracked else "",
        "inventory_account_name": f.inventory_account[1] if tracked else "",
        "reorder_level": str(f.pick((0, 5, 10, 20, 50))) if tracked else "",
        "stock_on_hand": 0,
        "available_stock": 0,
        "actual_available_stock": 0,
        "has_attachment": False,
        "image_document_id": "",
        "image_name": "",
        "image_type": "",
        "is_linked_with_zohocrm": False,
        "zcrm_product_id": "",
        "source": "user",
        "is_taxable": taxed,
        "tax_exemption_id": "",
        "vendor_id": vendor["contact_id"] if vendor else "",
        "vendor_name": vendor["contact_name"] if vendor else "",
        "upc": "",
        "ean": str(f.rng.randint(10**12, 10**13 - 1)) if goods and f.chance(0.5) else "",
        "isbn": "",
        "part_number": "",
        "brand": f.pick(names.BRANDS) if goods else "",
        "manufacturer": "",
        "item_tax_preferences": [],
        "custom_fields": fields,
        "custom_field_hash": hashed,
        "warehouses": [_stock_row(f, w) for w in pools.warehouses] if tracked else [],
        "created_time": f.ts(created),
        "last_modified_time": f.ts(modified),
    }
    refresh_stock_totals(item)
    _give_image(item)
    return item


def _give_image(item: Record) -> None:
    """Every third item has a product image (derived from its id, so no random draw is spent)."""
    if int(item["item_id"]) % 3:
        return
    item["image_document_id"] = "5" + item["item_id"][1:]
    item["image_name"] = f"{item['sku']}.png"
    item["image_type"] = "png"


def _stock_row(f: Factory, warehouse: Record) -> Record:
    on_hand = f.rng.choice((0, 0, f.rng.randint(1, 40), f.rng.randint(10, 500)))
    committed = min(on_hand, f.rng.randint(0, 5))
    return {
        "warehouse_id": warehouse["warehouse_id"],
        "warehouse_name": warehouse["warehouse_name"],
        "status": warehouse["status"],
        "is_primary": warehouse["is_primary"],
        "warehouse_stock_on_hand": on_hand,
        "initial_stock": on_hand,
        "initial_stock_rate": 0,
        "warehouse_available_stock": on_hand,
        "warehouse_actual_available_stock": on_hand - committed,
        "warehouse_committed_stock": committed,
        "warehouse_available_for_sale_stock": on_hand - committed,
    }


def refresh_stock_totals(item: Record) -> None:
    """Item-level stock is the sum over its warehouses (0 for untracked items)."""
    rows = item["warehouses"]
    item["stock_on_hand"] = sum(r["warehouse_stock_on_hand"] for r in rows)
    item["available_stock"] = sum(r["warehouse_available_stock"] for r in rows)
    item["actual_available_stock"] = sum(r["warehouse_actual_available_stock"] for r in rows)


def adjust_stock(item: Record, warehouse_id: str, delta: int) -> None:
    """Moves one warehouse's stock by `delta` (never below zero) and refreshes the totals."""
    for row in item["warehouses"]:
        if row["warehouse_id"] == warehouse_id:
            new = max(0, row["warehouse_stock_on_hand"] + delta)
            moved = new - row["warehouse_stock_on_hand"]
            for key in ("warehouse_stock_on_hand", "warehouse_available_stock"):
                row[key] += moved
            row["warehouse_actual_available_stock"] = max(0, row["warehouse_actual_available_stock"] + moved)
            row["warehouse_available_for_sale_stock"] = row["warehouse_actual_available_stock"]
    refresh_stock_totals(item)


def commit_stock(item: Record, warehouse_id: str, quantity: int) -> None:
    """Commits `quantity` of one warehouse's stock to a sales order: on hand stays, actual available falls."""
    for row in item["warehouses"]:
        if row["warehouse_id"] == warehouse_id:
            row["warehouse_committed_stock"] += quantity
            actual = max(0, row["warehouse_available_stock"] - row["warehouse_committed_stock"])
            row["warehouse_actual_available_stock"] = actual
            row["warehouse_available_for_sale_stock"] = actual
    refresh_stock_totals(item)


def make_pricebook(f: Factory, pools: Pools, index: int) -> Record:
    per_item = index == 0 or f.chance(0.7)
    currency_id, currency_code, _, _ = f.currency(0.2)
    chosen = f.rng.sample(pools.items, min(len(pools.items), f.rng.randint(5, 40))) if per_item else []
    return {
        "pricebook_id": f.new_id(),
        "name": _PRICEBOOK_NAMES[index % len(_PRICEBOOK_NAMES)]
        + ("" if index < len(_PRICEBOOK_NAMES) else f" {index}"),
        "description": "" if f.chance(0.5) else "أسعار خاصة",
        "currency_id": currency_id,
        "currency_code": currency_code,
        "status": "active" if f.chance(0.85) else "inactive",
        "pricebook_type": "per_item" if per_item else "fixed_percentage",
        "sales_or_purchase_type": "sales" if f.chance(0.85) else "purchases",
        "is_increase": not per_item and f.chance(0.3),
        "percentage": 0 if per_item else f.pick((5, 10, 12.5, 15)),
        "rounding_type": "no_rounding",
        "decimal_place": 2,
        "is_default": False,
        "pricebook_items": [make_pricebook_item(f, item) for item in chosen],
    }


def make_pricebook_item(f: Factory, item: Record) -> Record:
    return {
        "pricebook_item_id": f.new_id(),
        "item_id": item["item_id"],
        "name": item["name"],
        "sku": item["sku"],
        "rate": item["rate"],
        "pricebook_rate": round(item["rate"] * f.rng.uniform(0.8, 0.97), 2),
        "price_brackets": [],
    }


def make_adjustment(f: Factory, pools: Pools) -> Record:
    created, modified = f.moments()
    tracked = [i for i in pools.items if i["warehouses"]] or pools.items
    lines = [_adjustment_line(f, pools, f.pick(tracked)) for _ in range(f.rng.randint(1, 3))]
    reason = f.pick(names.ADJUSTMENT_REASONS)
    fields, hashed = f.custom_fields("inventory_adjustment")
    return {
        "inventory_adjustment_id": f.new_id(),
        "date": f.date(created),
        "reason": reason,
        "reason_id": f.new_id(),
        "description": "" if f.chance(0.5) else f"{reason} - {f.display_date(created)}",
        "reference_number": f.number("ADJ-", 5),
        "adjustment_type": "quantity",
        "status": "adjusted" if f.chance(0.9) else "draft",
        "total": round(sum(abs(line["quantity_adjusted"]) * line["rate"] for line in lines), 2),
        "custom_fields": fields,
        "custom_field_hash": hashed,
        "line_items": lines,
        "created_time": f.ts(created),
        "last_modified_time": f.ts(modified),
    }


def _adjustment_line(f: Factory, pools: Pools, item: Record) -> Record:
    warehouse = f.pick(item["warehouses"]) if item["warehouses"] else f.pick(pools.warehouses)
    quantity = f.rng.randint(1, 20) * (1 if f.chance(0.4) else -1)
    return {
        "line_item_id": f.new_id(),
        "item_id": item["item_id"],
        "name": item["name"],
        "description": "",
        "quantity_adjusted": quantity,
        "value_adjusted": 0,
        "rate": item["purchase_rate"],
        "unit": item["unit"],
        "warehouse_id": warehouse["warehouse_id"],
        "warehouse_name": warehouse["warehouse_name"],
        "adjustment_account_id": f.adjustment_account[0],
        "adjustment_account_name": f.adjustment_account[1],
    }
