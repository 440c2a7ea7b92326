"""The seeded source of every generated value: ids, times, names, addresses, money, custom fields."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

from tds.emulator.clock import format_date, format_display_date, format_ts
from tds.emulator.data import names

Record = dict[str, Any]


@dataclass(frozen=True)
class CustomFieldDef:
    api_name: str
    label: str
    data_type: str  # string | dropdown | check_box | date
    choices: tuple[str, ...] = ()


CUSTOM_FIELDS: dict[str, tuple[CustomFieldDef, ...]] = {
    "contact": (
        CustomFieldDef("cf_customer_tier", "Customer Tier", "dropdown", ("Gold", "Silver", "Bronze", "ذهبي")),
        CustomFieldDef("cf_region", "المنطقة", "string", ("الوسط", "الجنوب", "الشمال", "Kurdistan")),
    ),
    "item": (
        CustomFieldDef("cf_origin", "Country of Origin", "string", ("China", "Türkiye", "Germany", "العراق")),
        CustomFieldDef("cf_fragile", "Fragile", "check_box"),
    ),
    "invoice": (
        CustomFieldDef("cf_delivery_route", "Delivery Route", "dropdown", ("Route A", "Route B", "المسار ٣")),
        CustomFieldDef("cf_promised_on", "Promised On", "date"),
    ),
    "bill": (CustomFieldDef("cf_shipment_ref", "Shipment Ref", "string", ("SHP-1", "SHP-2", "شحنة ٧")),),
    "creditnote": (
        CustomFieldDef("cf_return_reason", "سبب الإرجاع", "string", ("تالف", "Wrong item", "Late")),
    ),
    "salesorder": (
        CustomFieldDef("cf_delivery_route", "Delivery Route", "dropdown", ("Route A", "Route B", "المسار ٣")),
    ),
    "customerpayment": (CustomFieldDef("cf_collector", "المحصل", "string", names.AR_FIRST),),
    "vendorpayment": (CustomFieldDef("cf_approved_by", "Approved By", "string", names.LATIN_FIRST),),
    "inventory_adjustment": (CustomFieldDef("cf_counted_by", "Counted By", "string", names.AR_FIRST),),
}


@dataclass
class Pools:
    """Records made so far that later records point at (customers of invoices, items of lines)."""

    warehouses: list[Record] = field(default_factory=list)
    users: list[Record] = field(default_factory=list)
    customers: list[Record] = field(default_factory=list)
    vendors: list[Record] = field(default_factory=list)
    items: list[Record] = field(default_factory=list)
    invoices: list[Record] = field(default_factory=list)
    bills: list[Record] = field(default_factory=list)


class Factory:
    """Every random choice goes through `rng`, so one seed gives one dataset, byte for byte."""

    def __init__(self, seed: int, anchor: datetime, zone: timezone) -> None:
        self.rng = random.Random(seed)
        self.anchor = anchor
        self.zone = zone
        self.now: datetime | None = None  # the mutator stamps new records with the current time
        self.progress = 0.0  # how far through its series the record being made is (0..1)
        self._prefix = str(self.rng.randint(400_000, 9_999_999))
        self._next = 0
        self._numbers: dict[str, int] = {}
        self.cf_ids = {(e, d.api_name): self.new_id() for e, defs in CUSTOM_FIELDS.items() for d in defs}
        self.sales_account = (self.new_id(), "Sales")
        self.purchase_account = (self.new_id(), "Cost of Goods Sold")
        self.inventory_account = (self.new_id(), "Inventory Asset")
        self.deposit_account = (self.new_id(), "Petty Cash")
        self.adjustment_account = (self.new_id(), "Inventory Adjustments")
        self.tax = (self.new_id(), "Sales Tax", 5.0)
        self.currencies = {
            "IQD": (self.new_id(), "IQD", "IQD", 1.0),
            "USD": (self.new_id(), "USD", "$", 1310.0),
        }
        self.template_id = self.new_id()

    def new_id(self) -> str:
        """A 16-19 digit id string: the org prefix, a zero run, then a sequence number."""
        self._next += 1
        return f"{self._prefix}00000{self._next:05d}"

    def number(self, prefix: str, width: int = 6) -> str:
        """The next document number of a series (`INV-000042`)."""
        self._numbers[prefix] = self._numbers.get(prefix, 0) + 1
        return f"{prefix}{self._numbers[prefix]:0{width}d}" if prefix else str(self._numbers[prefix])

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def pick(self, seq: Any) -> Any:
        return seq[self.rng.randrange(len(seq))]

    def money(self, low: float, high: float) -> float:
        return round(self.rng.uniform(low, high), 2)

    def moments(self) -> tuple[datetime, datetime]:
        """(created, last modified): now for new records, else spread over the year before the anchor."""
        if self.now is not None:
            return self.now, self.now
        # Records of one series are made oldest first, so numbers and created times rise together.
        span = 365 * 86_400 * (1.0 - self.progress)
        created = self.anchor - timedelta(seconds=int(span) + self.rng.randint(3_600, 6 * 3_600))
        if self.chance(0.5):
            return created, created
        span = int((self.anchor - created).total_seconds())
        return created, created + timedelta(seconds=self.rng.randint(1, span))

    def ts(self, moment: datetime) -> str:
        return format_ts(moment, self.zone)

    def day(self, moment: datetime, plus_days: int = 0) -> date:
        return (moment.astimezone(self.zone) + timedelta(days=plus_days)).date()

    def date(self, moment: datetime, plus_days: int = 0) -> str:
        return format_date(self.day(moment, plus_days))

    def display_date(self, moment: datetime) -> str:
        return format_display_date(self.day(moment))

    def style(self) -> str:
        """Which script a name is written in: Arabic 45 %, English 35 %, other non-ASCII 20 %."""
        roll = self.rng.random()
        return "ar" if roll < 0.45 else "en" if roll < 0.8 else "other"

    def person(self) -> tuple[str, str]:
        if self.style() == "ar":
            return self.pick(names.AR_FIRST), self.pick(names.AR_LAST)
        return self.pick(names.LATIN_FIRST), self.pick(names.LATIN_LAST)

    def company(self) -> str:
        if self.style() == "ar":
            return str(self.pick(names.AR_COMPANY_FORMS)).format(self.pick(names.AR_COMPANY_ROOTS))
        return str(self.pick(names.LATIN_COMPANY_FORMS)).format(self.pick(names.LATIN_COMPANY_ROOTS))

    def product_name(self) -> str:
        style = self.style()
        if style == "ar":
            return (
                f"{self.pick(names.AR_PRODUCTS)} {self.pick(names.AR_QUALIFIERS)} {self.pick(names.BRANDS)}"
            )
        pool = names.EN_PRODUCTS if style == "en" else names.OTHER_PRODUCTS
        return f"{self.pick(names.BRANDS)} {self.pick(pool)} {self.rng.randint(10, 999)}"

    def phone(self) -> str:
        return f"+964 7{self.rng.randint(50, 99)} {self.rng.randint(100, 999)} {self.rng.randint(1000, 9999)}"

    def email(self, hint: str) -> str:
        slug = re.sub(r"[^a-z]", "", hint.lower())[:12] or "contact"
        return f"{slug}{self.rng.randint(1, 9999)}@example.com"

    def address(self, attention: str = "") -> Record:
        """A detail-shaped address (`zip`); list rows rename it to `zipcode` (see shapes)."""
        city, state, state_code, country, country_code = self.pick(names.CITIES)
        return {
            "address_id": self.new_id(),
            "attention": attention,
            "address": f"{self.pick(names.STREETS)} {self.rng.randint(1, 250)}",
            "street2": "" if self.chance(0.6) else f"Bldg {self.rng.randint(1, 40)}",
            "city": city,
            "state": state,
            "state_code": state_code,
            "zip": str(self.rng.randint(10001, 99999)),
            "country": country,
            "country_code": country_code,
            "county": "",
            "fax": "",
            "phone": self.phone(),
            "latitude": "",
            "longitude": "",
        }

    def currency(self, foreign_share: float = 0.15) -> tuple[str, str, str, float]:
        return self.currencies["USD" if self.chance(foreign_share) else "IQD"]

    def custom_fields(self, entity: str) -> tuple[list[Record], Record]:
        """`custom_fields` (array of field objects) and `custom_field_hash` ({cf_name: value})."""
        fields: list[Record] = []
        hashed: Record = {}
        for index, spec in enumerate(CUSTOM_FIELDS.get(entity, ()), start=1):
            value, shown = self._custom_value(spec)
            fields.append(
                {
                    "customfield_id": self.cf_ids[(entity, spec.api_name)],
                    "index": index,
                    "label": spec.label,
                    "api_name": spec.api_name,
                    "placeholder": spec.api_name,
                    "data_type": spec.data_type,
                    "value": value,
                    "value_formatted": shown,
                    "show_on_pdf": False,
                    "show_in_all_pdf": False,
                    "is_active": True,
                    "edit_on_portal": False,
                    "edit_on_store": False,
                }
            )
            hashed[spec.api_name] = shown
            hashed[f"{spec.api_name}_unformatted"] = value
        return fields, hashed

    def _custom_value(self, spec: CustomFieldDef) -> tuple[Any, str]:
        if spec.data_type == "check_box":
            flag = self.chance(0.3)
            return flag, "true" if flag else "false"
        if spec.data_type == "date":
            moment = self.anchor - timedelta(days=self.rng.randint(0, 200))
            return self.date(moment), self.display_date(moment)
        value = str(self.pick(spec.choices))
        return value, value
