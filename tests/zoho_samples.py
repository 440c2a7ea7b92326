"""Realistic Zoho Books records (detail and list-row shapes) for every synced entity.

Shapes follow /work/shared/zoho/entities.md: digit-string ids (some as bare numbers, as in Zoho's
doc examples), offsets without a colon, `""` for empty dates, `custom_fields` arrays and
`custom_field_hash`, list-row addresses with `zipcode`. Each factory returns a fresh dict;
keyword overrides replace top-level keys.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

Payload = dict[str, Any]

T0 = "2026-01-06T08:00:00+0300"
T1 = "2026-01-06T09:30:00+0300"
T2 = "2026-01-07T10:00:00+0300"


def _make(base: Payload, overrides: dict[str, Any]) -> Payload:
    payload = copy.deepcopy(base)
    payload.update(overrides)
    return payload


def _custom(api_name: str, label: str, value: Any, data_type: str = "string") -> Payload:
    return {
        "customfield_id": f"4600000000{len(api_name)}",
        "api_name": api_name,
        "label": label,
        "value": value,
        "value_formatted": str(value),
        "data_type": data_type,
        "placeholder": api_name,
        "show_on_pdf": False,
        "is_active": True,
        "index": 1,
    }


ITEM: Payload = {
    "item_id": "4600000000100001",
    "name": "زيت زيتون بكر ممتاز 1 لتر",
    "sku": "OIL-1L",
    "description": "Extra virgin olive oil — Jaén, España",
    "status": "active",
    "unit": "bottle",
    "rate": 35.5,
    "purchase_rate": 21.25,
    "item_type": "inventory",
    "product_type": "goods",
    "tax_id": 4600000000000501,
    "tax_name": "VAT 15%",
    "tax_percentage": 15,
    "stock_on_hand": 140,
    "available_stock": 120,
    "actual_available_stock": 118,
    "reorder_level": "25",
    "brand": "Al-Zaytoun",
    "manufacturer": "مصنع الزيتون",
    "upc": "012345678905",
    "ean": "",
    "image_document_id": "",
    "image_name": "oil.png",
    "custom_fields": [
        _custom("cf_origin", "Origin", "الأندلس"),
        _custom("cf_shelf_life", "Shelf life", 18, "number"),
    ],
    "warehouses": [
        {
            "warehouse_id": "4600000000200001",
            "warehouse_name": "المستودع الرئيسي - الرياض",
            "status": "active",
            "is_primary": True,
            "warehouse_stock_on_hand": "100",
            "warehouse_available_stock": 90,
            "warehouse_actual_available_stock": 88,
            "warehouse_committed_stock": 10,
        },
        {
            "warehouse_id": 4600000000200002,
            "warehouse_name": "Jeddah",
            "status": "active",
            "is_primary": False,
            "warehouse_stock_on_hand": 40,
            "warehouse_available_stock": 30,
            "warehouse_actual_available_stock": 30,
            "warehouse_committed_stock": 0,
        },
    ],
    "created_time": "2025-12-01T10:00:00+0300",
    "last_modified_time": T0,
}

ITEM_LIST_ROW: Payload = {
    "item_id": "4600000000100001",
    "name": "زيت زيتون بكر ممتاز 1 لتر",
    "item_name": "زيت زيتون بكر ممتاز 1 لتر",
    "status": "active",
    "rate": 35.5,
    "sku": "OIL-1L",
    "reorder_level": "",
    "stock_on_hand": 140,
    "available_stock": 120,
    "last_modified_time": T0,
}

CONTACT: Payload = {
    "contact_id": "4600000000300001",
    "contact_name": "مؤسسة النخيل للتجارة",
    "company_name": "Al-Nakheel Trading Est.",
    "contact_type": "customer",
    "customer_sub_type": "business",
    "status": "active",
    "currency_code": "SAR",
    "payment_terms": 30,
    "credit_limit": 50000,
    "outstanding_receivable_amount": 1250.75,
    "outstanding_payable_amount": 0,
    "tax_reg_no": "310122393500003",
    "billing_address": {
        "attention": "قسم المشتريات",
        "address": "طريق الملك فهد",
        "street2": "",
        "city": "الرياض",
        "state": "Riyadh",
        "zip": "12271",
        "country": "Saudi Arabia",
        "fax": "",
        "phone": "+966 11 000 0000",
    },
    "shipping_address": {"address": "حي العليا", "city": "الرياض", "zip": "12211", "country": "Saudi Arabia"},
    "contact_persons": [
        {
            "contact_person_id": 4600000000300101,
            "salutation": "Mr.",
            "first_name": "خالد",
            "last_name": "العتيبي",
            "email": "khalid@nakheel.example",
            "phone": "+966 11 000 0001",
            "mobile": "+966 50 000 0001",
            "is_primary_contact": True,
        },
        {"contact_person_id": "4600000000300102", "first_name": "Ñandú", "is_primary_contact": False},
    ],
    "custom_fields": [_custom("cf_region", "Region", "الوسطى")],
    "notes": "عميل منذ ٢٠١٩",
    "created_time": "2025-06-01T10:00:00+0300",
    "last_modified_time": T0,
}

CONTACT_LIST_ROW: Payload = {
    "contact_id": 4600000000300001,
    "contact_name": "مؤسسة النخيل للتجارة",
    "customer_name": "مؤسسة النخيل للتجارة",
    "company_name": "Al-Nakheel Trading Est.",
    "contact_type": "customer",
    "status": "active",
    "first_name": "خالد",
    "last_name": "العتيبي",
    "email": "khalid@nakheel.example",
    "phone": "+966 11 000 0001",
    "mobile": "+966 50 000 0001",
    "outstanding_receivable_amount": 1250.75,
    "custom_fields": [],
    "custom_field_hash": {"cf_region": "الوسطى", "cf_region_unformatted": "الوسطى"},
    "created_time": "2025-06-01T10:00:00+0300",
    "last_modified_time": T0,
}


def _line(n: int, item_id: str, name: str, quantity: float, rate: float) -> Payload:
    return {
        "line_item_id": f"46000000009{n:05d}",
        "item_id": item_id,
        "name": name,
        "description": "",
        "item_order": n,
        "sku": f"SKU-{n}",
        "rate": rate,
        "quantity": quantity,
        "unit": "pcs",
        "discount_amount": 0,
        "discount": 0,
        "tax_id": "4600000000000501",
        "tax_name": "VAT 15%",
        "tax_type": "tax",
        "tax_percentage": 15,
        "item_total": round(quantity * rate, 2),
        "warehouse_id": "4600000000200001",
        "tags": [],
        "item_custom_fields": [{"customfield_id": "46000000007001", "label": "Batch", "value": "B-42"}],
    }


INVOICE: Payload = {
    "invoice_id": "4600000000400001",
    "invoice_number": "INV-000123",
    "customer_id": "4600000000300001",
    "customer_name": "مؤسسة النخيل للتجارة",
    "status": "sent",
    "date": "2026-01-05",
    "due_date": "2026-02-04",
    "reference_number": "PO-٧٧",
    "currency_code": "SAR",
    "exchange_rate": 1.0,
    "sub_total": 106.5,
    "tax_total": 15.98,
    "discount": 0,
    "total": 122.48,
    "balance": 122.48,
    "salesperson_name": "Zoë Ødegaard",
    "location_id": "4600000000200001",
    "notes": "شكراً لتعاملكم معنا",
    "billing_address": {"address": "طريق الملك فهد", "city": "الرياض", "zip": "12271", "country": "SA"},
    "shipping_address": {"address": "حي العليا", "city": "الرياض", "zip": "12211", "country": "SA"},
    "custom_fields": [_custom("cf_quarter", "Quarter", "Q1")],
    "contact_persons": ["4600000000300101"],
    "line_items": [
        _line(1, "4600000000100001", "زيت زيتون", 2, 35.5),
        _line(2, "4600000000100002", "Café molido 250g", 1, 35.5),
    ],
    "last_payment_date": "",
    "created_time": "2026-01-05T12:00:00+0300",
    "last_modified_time": T0,
}

INVOICE_LIST_ROW: Payload = {
    "invoice_id": "4600000000400001",
    "invoice_number": "INV-000123",
    "customer_id": 4600000000300001,
    "customer_name": "مؤسسة النخيل للتجارة",
    "status": "sent",
    "date": "2026-01-05",
    "due_date": "2026-02-04",
    "total": 122.48,
    "balance": 122.48,
    "billing_address": {"address": "طريق الملك فهد", "city": "الرياض", "zipcode": "12271", "country": "SA"},
    "custom_field_hash": {"cf_quarter": "Q1", "cf_quarter_unformatted": "Q1"},
    "last_modified_time": T0,
}

BILL: Payload = {
    "bill_id": "4600000000500001",
    "bill_number": "BL-2026-0007",
    "vendor_id": "4600000000300009",
    "vendor_name": "Müller & Söhne GmbH",
    "status": "open",
    "date": "2026-01-03",
    "due_date": "",
    "reference_number": "",
    "currency_code": "EUR",
    "exchange_rate": 4.0512345,
    "sub_total": 1000,
    "tax_total": 150,
    "total": 1150,
    "balance": 1150,
    "discount_setting": "flat",
    "line_items": [
        {
            "line_item_id": "4600000000590001",
            "item_id": "",
            "account_id": "4600000000000901",
            "name": "",
            "description": "Wartung — Kühlanlage",
            "rate": 1000,
            "quantity": 1,
            "tax_id": "4600000000000501",
            "tax_percentage": 15,
            "item_total": 1000,
            "item_order": 1,
        }
    ],
    "custom_fields": [],
    "created_time": "2026-01-03T09:00:00+0100",
    "last_modified_time": T0,
}

CREDIT_NOTE: Payload = {
    "creditnote_id": 4600000000600001,
    "creditnote_number": "CN-00012",
    "customer_id": "4600000000300001",
    "customer_name": "مؤسسة النخيل للتجارة",
    "status": "open",
    "date": "2026-01-06",
    "currency_code": "SAR",
    "exchange_rate": 1,
    "sub_total": 35.5,
    "tax_total": 5.33,
    "total": 40.83,
    "balance": 40.83,
    "line_items": [_line(1, "4600000000100001", "زيت زيتون (مرتجع)", 1, 35.5)],
    "custom_field_hash": {"cf_reason": "Damaged", "cf_reason_unformatted": "damaged"},
    "created_time": "2026-01-06T07:00:00+0300",
    "last_modified_time": T0,
}

SALES_ORDER: Payload = {
    "salesorder_id": "4600000000700001",
    "salesorder_number": "SO-00042",
    "customer_id": "4600000000300001",
    "customer_name": "مؤسسة النخيل للتجارة",
    "status": "open",
    "order_status": "open",
    "invoiced_status": "not_invoiced",
    "paid_status": "unpaid",
    "date": "2026-01-04",
    "shipment_date": "2026-01-10",
    "reference_number": "",
    "currency_code": "SAR",
    "exchange_rate": 1,
    "discount": "10%",
    "discount_amount": 7.1,
    "sub_total": 71,
    "tax_total": 9.59,
    "total": 73.49,
    "salesperson_name": "سارة",
    "billing_address": {"address": "طريق الملك فهد", "city": "الرياض", "zip": "12271"},
    "shipping_address": {"address": "حي العليا", "city": "الرياض", "zip": "12211"},
    "custom_fields": [
        {"customfield_id": "46000000007003", "index": 1, "value": "Express", "label": "Delivery"}
    ],
    "line_items": [
        _line(1, "4600000000100001", "زيت زيتون", 1, 35.5),
        _line(2, "4600000000100002", "Café molido 250g", 1, 35.5),
    ],
    "created_time": "2026-01-04T08:00:00+0300",
    "last_modified_time": T0,
}

CUSTOMER_PAYMENT: Payload = {
    "payment_id": "4600000000800001",
    "payment_number": "PMT-19",
    "customer_id": "4600000000300001",
    "customer_name": "مؤسسة النخيل للتجارة",
    "date": "2026-01-06",
    "amount": 122.48,
    "unused_amount": 0,
    "payment_mode": "banktransfer",
    "reference_number": "TRX-٩٩",
    "description": "دفعة فاتورة INV-000123",
    "currency_code": "SAR",
    "exchange_rate": 1,
    "account_name": "Al Rajhi Bank",
    "invoices": [
        {
            "invoice_id": "4600000000400001",
            "invoice_number": "INV-000123",
            "date": "2026-01-05",
            "invoice_amount": 122.48,
            "amount_applied": 122.48,
            "balance_amount": 0,
        }
    ],
    "custom_fields": [],
    "created_time": "2026-01-06T11:00:00+0300",
    "last_modified_time": T0,
}

VENDOR_PAYMENT: Payload = {
    "payment_id": 4600000000810001,
    "payment_number": "VP-3",
    "vendor_id": "4600000000300009",
    "vendor_name": "Müller & Söhne GmbH",
    "date": "2026-01-06",
    "amount": 1150,
    "unused_amount": 0,
    "payment_mode": "Bank Transfer",
    "reference_number": "",
    "description": "",
    "paid_through_account_name": "Deutsche Bank",
    "currency_code": "EUR",
    "exchange_rate": 4.05,
    "bills": [{"bill_id": "4600000000500001", "bill_number": "BL-2026-0007", "amount_applied": 1150}],
    "created_time": "2026-01-06T11:30:00+0100",
    "last_modified_time": T0,
}

PRICEBOOK: Payload = {
    "pricebook_id": "4600000000900001",
    "name": "قائمة أسعار الجملة",
    "description": "Wholesale",
    "currency_code": "SAR",
    "status": "active",
    "pricebook_type": "per_item",
    "sales_or_purchase_type": "sales",
    "is_increase": False,
    "percentage": "",
    "rounding_type": "no_rounding",
    "is_default": "false",
    "pricebook_items": [
        {
            "item_id": "4600000000100002",
            "name": "Café molido 250g",
            "sku": "SKU-2",
            "rate": 35.5,
            "pricebook_rate": 30,
            "price_brackets": [
                {"start_quantity": 1, "end_quantity": 9, "pricebook_rate": 30},
                {"start_quantity": 10, "end_quantity": "", "pricebook_rate": 28.5},
            ],
        },
        {
            "item_id": 4600000000100001,
            "name": "زيت زيتون",
            "sku": "OIL-1L",
            "rate": 35.5,
            "pricebook_rate": 32,
        },
    ],
}

INVENTORY_ADJUSTMENT: Payload = {
    "inventory_adjustment_id": "4600000001000001",
    "date": "2026-01-06",
    "reason": "تلف أثناء النقل",
    "reason_id": "4600000001000901",
    "description": "",
    "reference_number": "ADJ-5",
    "adjustment_type": "quantity",
    "status": "adjusted",
    "total": 0,
    "line_items": [
        {
            "line_item_id": 4600000001000101,
            "item_id": "4600000000100001",
            "name": "زيت زيتون",
            "quantity_adjusted": -3,
            "unit": "bottle",
            "warehouse_id": "4600000000200001",
            "adjustment_account_id": "4600000000000902",
        }
    ],
    "created_time": "2026-01-06T06:00:00+0300",
    "last_modified_time": T0,
}

WAREHOUSE: Payload = {
    "warehouse_id": "4600000000200001",
    "warehouse_name": "المستودع الرئيسي - الرياض",
    "status": "active",
    "is_primary": True,
    "attention": "",
    "address": "الشارع الصناعي 5",
    "address1": "",
    "address2": "المنطقة الصناعية الثانية",
    "city": "الرياض",
    "state": "Riyadh",
    "state_code": "RD",
    "country": "Saudi Arabia",
    "zip": "14331",
    "phone": "+966 11 000 0099",
    "email": "wh@example.com",
}

LOCATION: Payload = {
    "location_id": 4600000000200003,
    "location_name": "Dubai Branch",
    "type": "general",
    "is_primary": False,
    "status": "active",
    "email": "",
    "phone": "",
    "address": {"street_address1": "Sheikh Zayed Rd", "city": "دبي", "country": "UAE", "zip": ""},
}

USER: Payload = {
    "user_id": "4600000001100001",
    "name": "أحمد المحاسب",
    "email": "ahmed@example.com",
    "mobile": "",
    "status": "active",
    "user_role": "accountant",
    "role_id": "4600000001100901",
    "user_type": "zoho",
    "is_current_user": False,
    "is_super_admin": False,
    "is_employee": True,
}

DETAIL: dict[str, Payload] = {
    "item": ITEM,
    "contact": CONTACT,
    "invoice": INVOICE,
    "bill": BILL,
    "creditnote": CREDIT_NOTE,
    "salesorder": SALES_ORDER,
    "customerpayment": CUSTOMER_PAYMENT,
    "vendorpayment": VENDOR_PAYMENT,
    "pricebook": PRICEBOOK,
    "inventory_adjustment": INVENTORY_ADJUSTMENT,
    "warehouse": WAREHOUSE,
    "user": USER,
}

# The field each entity's update test changes, and a new value for it.
CHANGE: dict[str, tuple[str, Any]] = {
    "item": ("rate", 39.9),
    "contact": ("contact_name", "مؤسسة النخيل للتجارة المحدودة"),
    "invoice": ("status", "paid"),
    "bill": ("status", "paid"),
    "creditnote": ("status", "closed"),
    "salesorder": ("order_status", "closed"),
    "customerpayment": ("amount", 130),
    "vendorpayment": ("amount", 1200),
    "pricebook": ("name", "قائمة أسعار التجزئة"),
    "inventory_adjustment": ("reason", "جرد سنوي"),
    "warehouse": ("warehouse_name", "مستودع الرياض"),
    "user": ("user_role", "admin"),
}


def detail(entity: str, **overrides: Any) -> Payload:
    """A fresh detail-shape record of `entity`."""
    return _make(DETAIL[entity], overrides)


def factory(base: Payload) -> Callable[..., Payload]:
    return lambda **overrides: _make(base, overrides)
