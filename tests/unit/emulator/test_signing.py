"""`X-Zoho-Webhook-Signature`: hex HMAC-SHA256 over sorted parameters, then the raw body."""

from __future__ import annotations

import hashlib
import hmac

from tds.emulator.signing import sign

SECRET = "abcDEF123456ghi"


def reference(message: bytes) -> str:
    return hmac.new(SECRET.encode(), message, hashlib.sha256).hexdigest()


def test_json_body_without_query_signs_the_raw_body() -> None:
    """The common case: the signed string is the body exactly as sent."""
    body = '{"item":{"item_id":"9","name":"سماعة"}}'.encode()
    assert sign(SECRET, body=body) == reference(body)


def test_query_pairs_are_sorted_and_written_before_the_body() -> None:
    """The documented example: `?b=2&a=1` with a JSON body signs `a1b2` + body."""
    body = b'{"item":{"item_id":"9"}}'
    assert sign(SECRET, [("b", "2"), ("a", "1")], body=body) == reference(b"a1b2" + body)


def test_form_fields_are_signed_as_decoded_pairs_without_a_body() -> None:
    """Form bodies contribute their decoded fields, sorted together with the query."""
    form = [("JSONString", '{"item":{}}')]
    expected = reference(b'JSONString{"item":{}}event' + b"deleted")
    assert sign(SECRET, [("event", "deleted")], form) == expected


def test_signature_is_lowercase_hex() -> None:
    """64 lowercase hex characters, as receivers compare them."""
    signature = sign(SECRET, body=b"{}")
    assert len(signature) == 64
    assert signature == signature.lower()
    int(signature, 16)
