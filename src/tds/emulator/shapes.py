"""List rows versus detail records: which fields a list endpoint carries, and its address shape (pure).

Detail responses (and webhooks) carry the full record. List rows carry only the fields below,
taken from real list responses (entities.md); line items, contact persons, warehouse stock and
the like are detail-only. Invoice list rows carry addresses with `zipcode` instead of `zip`.
"""

from __future__ import annotations

from typing import Any

Record = dict[str, Any]

_TIMES = ("created_time", "last_modified_time")
_DOC_COMMON = ("status", "date", "reference_number", "total", "currency_id", "currency_code", *_TIMES)

LIST_FIELDS: dict[str, tuple[str, ...]] = {
    "item": (
        "item_id", "name", "item_name", "status", "description", "rate", "unit", "sku", "tax_id",
        "tax_name", "tax_percentage", "product_type", "item_type", "account_id", "account_name",
        "purchase_account_id", "purchase_account_name", "purchase_rate", "purchase_description",
        "reorder_level", "stock_on_hand", "available_stock", "actual_available_stock", "has_attachment",
        "image_document_id", "image_name", "image_type", "is_linked_with_zohocrm", "zcrm_product_id",
        "source", *_TIMES,
    ),
    "contact": (
        "contact_id", "contact_name", "customer_name", "vendor_name", "company_name", "contact_type",
        "contact_type_formatted", "customer_sub_type", "status", "payment_terms", "payment_terms_label",
        "currency_id", "currency_code", "outstanding_receivable_amount", "outstanding_receivable_amount_bcy",
        "outstanding_payable_amount", "outstanding_payable_amount_bcy", "unused_credits_receivable_amount",
        "unused_credits_receivable_amount_bcy", "unused_credits_payable_amount",
        "unused_credits_payable_amount_bcy", "first_name", "last_name", "email", "phone", "mobile",
        "website", "language_code", "portal_status", "has_attachment", "is_linked_with_zohocrm", "source",
        "ach_supported", "pan_no", "facebook", "twitter", "custom_fields", "custom_field_hash",
        "created_time_formatted", "last_modified_time_formatted", *_TIMES,
    ),
    "invoice": (
        "invoice_id", "invoice_number", "customer_id", "customer_name", "company_name", "due_date",
        "due_days", "email", "project_name", "billing_address", "shipping_address", "country", "phone",
        "created_by", "balance", "payment_expected_date", "custom_fields", "custom_field_hash", "tags",
        "salesperson_id", "salesperson_name", "shipping_charge", "adjustment", "updated_time",
        "is_viewed_by_client", "has_attachment", "client_viewed_time", "is_emailed", "color_code",
        "current_sub_status_id", "current_sub_status", "currency_symbol", "schedule_time", "template_type",
        "transaction_type", "reminders_sent", "last_reminder_sent_date", "last_payment_date", "template_id",
        "documents", "write_off_amount", "exchange_rate", "unprocessed_payment_amount",
        "ach_payment_initiated", "zcrm_potential_id", "zcrm_potential_name", "invoice_url", "is_pre_gst",
        "no_of_copies", "show_no_of_copies", "type", *_DOC_COMMON,
    ),
    "bill": (
        "bill_id", "bill_number", "vendor_id", "vendor_name", "due_date", "due_days", "balance",
        "exchange_rate", "price_precision", "has_attachment", "attachment_name", "is_viewed_by_client",
        "client_viewed_time", "color_code", "current_sub_status", "current_sub_status_id", "entity_type",
        "tds_total", "unprocessed_payment_amount", "is_bill_reconciliation_violated", "is_tally_bill",
        "is_uber_bill", *_DOC_COMMON,
    ),
    "creditnote": (
        "creditnote_id", "creditnote_number", "customer_id", "customer_name", "balance", "exchange_rate",
        "price_precision", "salesperson_id", "salesperson_name", "template_id", "template_type",
        "is_emailed", "is_viewed_by_client", "client_viewed_time", "has_attachment", "color_code",
        "current_sub_status", "current_sub_status_id", *_DOC_COMMON,
    ),
    "salesorder": (
        "salesorder_id", "salesorder_number", "customer_id", "customer_name", "company_name", "email",
        "order_status", "invoiced_status", "paid_status", "shipment_date", "delivery_date",
        "delivery_method", "delivery_method_id", "bcy_total", "total_invoiced_amount", "quantity_invoiced",
        "salesperson_name", "has_attachment", "is_emailed", "color_code", "current_sub_status",
        "current_sub_status_id", "due_by_days", "due_in_days", "order_fulfillment_type", "source",
        "zcrm_potential_id", "zcrm_potential_name", *_DOC_COMMON,
    ),
    "customerpayment": (
        "payment_id", "payment_number", "customer_id", "customer_name", "date", "amount", "bcy_amount",
        "unused_amount", "bcy_unused_amount", "bcy_refunded_amount", "payment_mode",
        "payment_mode_formatted", "description", "reference_number", "account_id", "account_name",
        "invoice_numbers", "payment_type", "payment_status", "has_attachment", *_TIMES,
    ),
    "vendorpayment": (
        "payment_id", "payment_number", "vendor_id", "vendor_name", "date", "amount", "unused_amount",
        "payment_mode", "description", "reference_number", "account_id", "account_name",
        "paid_through_account_id", "currency_id", "currency_code", *_TIMES,
    ),
    "pricebook": (
        "pricebook_id", "name", "description", "currency_id", "currency_code", "status", "pricebook_type",
        "sales_or_purchase_type", "is_increase", "percentage", "rounding_type", "decimal_place", "is_default",
    ),
    "inventory_adjustment": (
        "inventory_adjustment_id", "date", "reason", "reason_id", "description", "reference_number",
        "adjustment_type", "status", "total", *_TIMES,
    ),
    "warehouse": (
        "warehouse_id", "warehouse_name", "status", "is_primary", "attention", "address", "address1",
        "address2", "city", "state", "state_code", "country", "zip", "phone", "email",
    ),
    "user": (
        "user_id", "name", "email", "mobile", "status", "user_role", "role_id", "user_type",
        "is_current_user", "is_super_admin", "is_employee", "is_customer_segmented", "is_vendor_segmented",
        "invitation_type", "photo_url",
    ),
}  # fmt: skip

_LIST_ADDRESS_FIELDS = ("attention", "address", "street2", "city", "state", "country", "phone", "fax")
_ADDRESS_KEYS = ("billing_address", "shipping_address")


def list_row(entity: str, record: Record) -> Record:
    """The row a list endpoint shows for `record`: list fields only, addresses with `zipcode`."""
    row = {name: record[name] for name in LIST_FIELDS[entity] if name in record}
    for key in _ADDRESS_KEYS:
        if isinstance(row.get(key), dict):
            row[key] = list_address(row[key])
    return row


def list_address(address: Record) -> Record:
    """A list-row address: the detail address with `zip` renamed `zipcode` (and no ids)."""
    shaped = {name: address.get(name, "") for name in _LIST_ADDRESS_FIELDS}
    shaped["zipcode"] = address.get("zip", "")
    return shaped
