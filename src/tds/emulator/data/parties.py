"""Generated warehouses, users and contacts (customers and vendors, with persons and addresses)."""

from __future__ import annotations

from tds.emulator.data import names
from tds.emulator.data.factory import Factory, Record

_ROLES = (("admin", "Admin"), ("staff", "Staff"), ("staff", "Sales Person"), ("timesheetstaff", "Timesheet"))


def make_warehouse(f: Factory, index: int) -> Record:
    address = f.address()
    return {
        "warehouse_id": f.new_id(),
        "warehouse_name": names.WAREHOUSE_NAMES[index % len(names.WAREHOUSE_NAMES)]
        + ("" if index < len(names.WAREHOUSE_NAMES) else f" {index}"),
        "status": "active" if index == 0 or f.chance(0.9) else "inactive",
        "is_primary": index == 0,
        "attention": "",
        "address": address["address"],
        "address1": address["address"],
        "address2": address["street2"],
        "city": address["city"],
        "state": address["state"],
        "state_code": address["state_code"],
        "country": address["country"],
        "zip": address["zip"],
        "phone": address["phone"],
        "email": f.email("warehouse"),
    }


def make_user(f: Factory, index: int) -> Record:
    first, last = f.person()
    role, role_name = _ROLES[0] if index == 0 else f.pick(_ROLES)
    return {
        "user_id": f.new_id(),
        "name": f"{first} {last}",
        "email": f.email(first),
        "mobile": f.phone(),
        "status": "active" if index == 0 or f.chance(0.85) else f.pick(("inactive", "invited")),
        "user_role": role,
        "role_id": f.new_id(),
        "user_type": "zoho",
        "is_current_user": index == 0,
        "is_super_admin": index == 0,
        "is_employee": f.chance(0.5),
        "is_customer_segmented": False,
        "is_vendor_segmented": False,
        "invitation_type": "" if index == 0 else "invite",
        "photo_url": "",
        "role_name": role_name,
    }


def make_contact_person(f: Factory, primary: bool) -> Record:
    first, last = f.person()
    return {
        "contact_person_id": f.new_id(),
        "salutation": f.pick(("Mr.", "Ms.", "Dr.", "")),
        "first_name": first,
        "last_name": last,
        "email": f.email(first),
        "phone": f.phone(),
        "mobile": f.phone(),
        "designation": f.pick(("Manager", "مدير المشتريات", "Accountant", "")),
        "department": f.pick(("Purchasing", "المالية", "Sales", "")),
        "skype": "",
        "is_primary_contact": primary,
        "enable_portal": False,
    }


def make_contact(f: Factory, contact_type: str, owner: Record | None) -> Record:
    created, modified = f.moments()
    business = f.chance(0.7)
    persons = [make_contact_person(f, primary=i == 0) for i in range(f.rng.randint(1, 3))]
    primary = persons[0]
    name = f.company() if business else f"{primary['first_name']} {primary['last_name']}"
    currency_id, currency_code, symbol, _ = f.currency(0.2 if contact_type == "vendor" else 0.08)
    terms = f.pick((0, 15, 30, 45, 60))
    fields, hashed = f.custom_fields("contact")
    billing = f.address(name)
    return {
        "contact_id": f.new_id(),
        "contact_name": name,
        "customer_name": name if contact_type == "customer" else "",
        "vendor_name": name if contact_type == "vendor" else "",
        "company_name": name if business else "",
        "contact_type": contact_type,
        "contact_type_formatted": contact_type.capitalize(),
        "customer_sub_type": "business" if business else "individual",
        "status": "active" if f.chance(0.9) else "inactive",
        "has_transaction": False,
        "credit_limit": f.pick((0.0, 1_000_000.0, 5_000_000.0)),
        "is_portal_enabled": False,
        "portal_status": "disabled",
        "has_attachment": False,
        "language_code": "ar" if f.chance(0.6) else "en",
        "is_taxable": f.chance(0.5),
        "tax_id": "",
        "tax_name": "",
        "tax_percentage": 0,
        "is_linked_with_zohocrm": False,
        "website": "" if f.chance(0.7) else "https://example.com",
        "facebook": "",
        "twitter": "",
        "source": "user",
        "ach_supported": False,
        "pan_no": "",
        "owner_id": owner["user_id"] if owner else "",
        "primary_contact_id": primary["contact_person_id"],
        "payment_terms": terms,
        "payment_terms_label": "Due on Receipt" if terms == 0 else f"Net {terms}",
        "currency_id": currency_id,
        "currency_code": currency_code,
        "currency_symbol": symbol,
        "opening_balances": [],
        "outstanding_receivable_amount": 0.0,
        "outstanding_receivable_amount_bcy": 0.0,
        "unused_credits_receivable_amount": 0.0,
        "unused_credits_receivable_amount_bcy": 0.0,
        "outstanding_payable_amount": 0.0,
        "outstanding_payable_amount_bcy": 0.0,
        "unused_credits_payable_amount": 0.0,
        "unused_credits_payable_amount_bcy": 0.0,
        "payment_reminder_enabled": f.chance(0.3),
        "pricebook_id": "",
        "first_name": primary["first_name"],
        "last_name": primary["last_name"],
        "email": primary["email"],
        "phone": primary["phone"],
        "mobile": primary["mobile"],
        "custom_fields": fields,
        "custom_field_hash": hashed,
        "billing_address": billing,
        "shipping_address": dict(billing) if f.chance(0.6) else f.address(name),
        "contact_persons": persons,
        "default_templates": {"invoice_template_id": f.template_id, "invoice_template_name": "Standard"},
        "notes": "" if f.chance(0.7) else "عميل قديم - يفضل الدفع النقدي",
        "created_time": f.ts(created),
        "created_time_formatted": f.display_date(created),
        "last_modified_time": f.ts(modified),
        "last_modified_time_formatted": f.display_date(modified),
    }
