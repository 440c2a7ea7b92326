"""Zoho's answers: the JSON envelope, its error bodies and codes, rendered as Zoho renders them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from starlette.responses import Response

from tds.errors import TdsError

JSON_TYPE = "application/json;charset=UTF-8"

NO_AUTH = (
    14,
    "The request could not be authenticated as the authentication value you entered is invalid. "
    "Enter a valid authentication value and try again.",
)
NOT_AUTHORIZED = (57, "You are not authorized to perform this operation")
BAD_ORG = (2, "Invalid value passed for organization_id")
BAD_URL = (5, "Invalid URL Passed")
BAD_METHOD = (37, "The HTTP method is not allowed for the requested resource")
INTERNAL = (1000, "Internal error")
TOO_MANY = (44, "You have made too many requests. Please try again after some time.")

# The `<X>` of `<X> does not exist.` (code 1002), by catalog entity name.
RECORD_LABELS = {
    "item": "Item",
    "contact": "Contact",
    "invoice": "Invoice",
    "bill": "Bill",
    "creditnote": "Credit Note",
    "salesorder": "Sales Order",
    "customerpayment": "Payment",
    "vendorpayment": "Vendor Payment",
    "pricebook": "Price List",
    "inventory_adjustment": "Inventory Adjustment",
    "warehouse": "Warehouse",
    "user": "User",
    "contact_person": "Contact Person",
    "organization": "Organization",
}


class ZohoAnswer(TdsError):
    """Zoho answers with an error envelope; raised inside the emulator and rendered by the gateway."""

    def __init__(self, http_status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.code = code

    @classmethod
    def of(cls, http_status: int, pair: tuple[int, str]) -> ZohoAnswer:
        return cls(http_status, pair[0], pair[1])

    @classmethod
    def missing(cls, entity: str) -> ZohoAnswer:
        return cls(404, 1002, f"{RECORD_LABELS.get(entity, 'Record')} does not exist.")

    @classmethod
    def bad_param(cls, name: str) -> ZohoAnswer:
        return cls(400, 2, f"Invalid value passed for {name}")

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message}


def dump(payload: Any) -> bytes:
    """Compact UTF-8 JSON; Arabic and other scripts stay as they are."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def json_response(status: int, payload: Any, headers: Mapping[str, str] | None = None) -> Response:
    return Response(dump(payload), status_code=status, media_type=JSON_TYPE, headers=dict(headers or {}))


def success(key: str | None = None, value: Any = None, message: str = "success") -> dict[str, Any]:
    body: dict[str, Any] = {"code": 0, "message": message}
    if key is not None:
        body[key] = value
    return body
