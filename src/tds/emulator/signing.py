"""`X-Zoho-Webhook-Signature`: lowercase hex HMAC-SHA256 over sorted parameters, then the raw body (pure).

The signed string (webhooks.md §4): every query-string parameter and, for form bodies, every
form field, URL-decoded, sorted by key, each written as key immediately followed by value; then,
for a JSON or raw body, the body bytes exactly as sent. No timestamp, no delivery id.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable


def signed_message(
    query: Iterable[tuple[str, str]], form: Iterable[tuple[str, str]] = (), body: bytes | None = None
) -> bytes:
    pairs = sorted([*query, *form])
    message = "".join(f"{key}{value}" for key, value in pairs).encode()
    return message + (body or b"")


def sign(
    secret: str,
    query: Iterable[tuple[str, str]] = (),
    form: Iterable[tuple[str, str]] = (),
    body: bytes | None = None,
) -> str:
    digest = hmac.new(secret.encode(), signed_message(query, form, body), hashlib.sha256)
    return digest.hexdigest()
