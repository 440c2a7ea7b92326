"""Parsers for Zoho's field values: ids, text, money, dates, timestamps, flags, addresses, custom fields.

Each parser takes the raw JSON value and the field name (for the error message) and returns the ERP
value, or None for Zoho's spellings of "empty" (`""`, `" "`, null). A value that cannot be read
raises PermanentHandlerError naming the field: retrying the same payload can never help.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from tds.errors import PermanentHandlerError
from tds.inbox.timeparse import parse_zoho_time

# The scale of the ERP's MONEY columns (Numeric(20, 6)), rounded as PostgreSQL rounds numeric (half
# away from zero): mapped and stored values stay identical, so diffs never see rounding as a change.
MONEY_QUANTUM = Decimal("0.000001")
JsonObject = dict[str, Any]


def _bad(field: str, value: object, expected: str) -> PermanentHandlerError:
    """A field the mapping refuses; the message says its kind, never the value (logs and dead letters
    must not carry record data)."""
    return PermanentHandlerError(
        f"field {field!r} is not {expected} (the record has a {type(value).__name__})", field=field
    )


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def ident(value: object, field: str) -> str | None:
    """A Zoho id as a digit string; ids arrive as strings or, in doc examples, as bare numbers."""
    if _is_empty(value):
        return None
    if isinstance(value, bool):
        raise _bad(field, value, "an id")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return value.strip()
    raise _bad(field, value, "an id")


def text(value: object, field: str) -> str | None:
    """Free text as Zoho sent it; empty and whitespace-only strings become None."""
    if _is_empty(value):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise _bad(field, value, "text")


def money(value: object, field: str) -> Decimal | None:
    """A number (JSON number or numeric string such as `reorder_level: "10"`) as a Decimal."""
    if _is_empty(value):
        return None
    if isinstance(value, bool):
        raise _bad(field, value, "a number")
    if isinstance(value, (int, float, str)):
        raw = value.replace(",", "").strip() if isinstance(value, str) else repr(value)
        try:
            number = Decimal(raw)
            if number.is_finite():
                return number.quantize(MONEY_QUANTUM, rounding=ROUND_HALF_UP)
        except InvalidOperation:
            pass
    raise _bad(field, value, "a number")


def amount(value: object, field: str) -> Decimal | None:
    """Like money, but a percentage (`"10%"`, Zoho's other spelling of a discount) is not an amount."""
    if isinstance(value, str) and value.strip().endswith("%"):
        return None
    return money(value, field)


def integer(value: object, field: str) -> int | None:
    number = money(value, field)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise _bad(field, value, "a whole number")
    return int(number)


def flag(value: object, field: str) -> bool | None:
    """A boolean; Zoho sometimes sends `"true"`/`"false"` strings."""
    if _is_empty(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise _bad(field, value, "true or false")


def day(value: object, field: str) -> date | None:
    """A `yyyy-mm-dd` date; a full timestamp is cut to its date."""
    if _is_empty(value):
        return None
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    raise _bad(field, value, "a yyyy-mm-dd date")


def timestamp(value: object, field: str) -> datetime | None:
    """A Zoho timestamp (`2026-01-06T08:00:00+0300`, offset without colon) as an aware UTC datetime.

    Read by the one Zoho timestamp parser (`parse_zoho_time`); unlike intake, a mapping refuses a value
    it cannot read. A timestamp without an offset is read as UTC.
    """
    if _is_empty(value):
        return None
    parsed = parse_zoho_time(value)
    if parsed is None:
        raise _bad(field, value, "a timestamp")
    return parsed.astimezone(UTC)


def json_list(value: object, field: str) -> list[Any]:
    """A JSON array; empty values are the empty list."""
    if _is_empty(value):
        return []
    if isinstance(value, list):
        return value
    raise _bad(field, value, "a list")


def json_object(value: object, field: str) -> JsonObject | None:
    if _is_empty(value):
        return None
    if isinstance(value, dict):
        return value
    raise _bad(field, value, "an object")


# The address keys kept, in both shapes: contact detail and invoice detail say `zip`, invoice and
# sales order list rows say `zipcode`; warehouses spell the street `address1`/`street_address1`.
_ADDRESS_KEYS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("attention", ("attention",)),
    ("address", ("address", "address1", "street_address1")),
    ("street2", ("street2", "address2", "street_address2")),
    ("city", ("city",)),
    ("state", ("state",)),
    ("state_code", ("state_code",)),
    ("zip", ("zip", "zipcode")),
    ("country", ("country",)),
    ("country_code", ("country_code",)),
    ("phone", ("phone",)),
    ("fax", ("fax",)),
)


def address(value: object, field: str) -> JsonObject | None:
    """An address object in one shape (`zipcode` read as `zip`), keeping only non-empty parts."""
    source = json_object(value, field)
    if source is None:
        return None
    found: JsonObject = {}
    for key, spellings in _ADDRESS_KEYS:
        for spelling in spellings:
            part = source.get(spelling)
            if not _is_empty(part):
                found[key] = part.strip() if isinstance(part, str) else part
                break
    return found or None


def _custom_field_key(entry: Mapping[str, Any]) -> str | None:
    for key in ("api_name", "placeholder", "customfield_id", "label"):
        name = entry.get(key)
        if not _is_empty(name):
            return str(name).strip()
    index = entry.get("index")
    return f"index_{index}" if index is not None else None


def custom_fields(array: object, hash_: object, field: str = "custom_fields") -> JsonObject | None:
    """Custom fields as one object keyed by api name (`cf_region`), from the array and/or the hash.

    The array (`[{api_name|customfield_id|label, value, ...}]`) wins over `custom_field_hash`
    (`{cf_x: formatted, cf_x_unformatted: raw}`, whose raw value is preferred).
    """
    found: JsonObject = {}
    hashed = json_object(hash_, "custom_field_hash") or {}
    for key, value in hashed.items():
        if key.endswith("_unformatted"):
            continue
        found[key] = hashed.get(f"{key}_unformatted", value)
    for entry in json_list(array, field):
        if not isinstance(entry, dict):
            raise _bad(field, entry, "a custom field object")
        name = _custom_field_key(entry)
        if name is not None:
            found[name] = entry.get("value")
    return found or None
