"""Webhook verification: Zoho's HMAC-SHA256 signature and/or a shared token, compared in constant time.

Policy (from `WebhookSettings`):
- `verification_disabled` accepts every request (config.py warns at start and refuses it in production);
- a secret only: the signature header is required and must match;
- a token only: the token (header or query parameter) is required and must match; besides the
  configured header, `X-Webhook-Key` carries it too, as the earlier integration's webhooks send it;
- both: either one passing is enough, so a sender can use whichever it was configured with;
- neither: every request is rejected, with a message saying no secret is configured.

The signed string follows Zoho's rule (webhooks.md §4): the query parameters and, for a form body,
the form fields, URL-decoded, sorted by key, each key immediately followed by its value; then, unless
the body is a form, the raw body bytes. Zoho has not documented whether form bodies are signed that
way or as raw bytes, so the raw body alone is accepted too. The signature may be hex in any case or
base64 (standard or URL-safe), optionally prefixed `sha256=`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl

from tds.config import WebhookSettings
from tds.errors import VerificationFailed

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
# The header the earlier integration read its key from; Zoho webhooks set up for it still send it.
LEGACY_TOKEN_HEADER = "X-Webhook-Key"
NO_SECRET_MESSAGE = (
    "no webhook secret or token is configured, so every webhook is rejected; "
    "set TDS_WEBHOOKS__HMAC_SECRET and/or TDS_WEBHOOKS__SHARED_TOKEN"
)


def header_value(headers: Mapping[str, str], name: str) -> str | None:
    """A header by name, case-insensitively, from any mapping (Starlette's or a plain dict)."""
    value = headers.get(name)
    if value is not None:
        return value
    wanted = name.lower()
    for key, candidate in headers.items():
        if key.lower() == wanted:
            return candidate
    return None


def is_form(content_type: str | None) -> bool:
    """True for `application/x-www-form-urlencoded` with any parameters (`;charset=UTF-8`)."""
    if not content_type:
        return False
    return content_type.split(";", 1)[0].strip().lower() == FORM_CONTENT_TYPE


def sorted_pairs_prefix(pairs: Iterable[tuple[str, str]]) -> bytes:
    """Zoho's prefix: pairs sorted by key (then value), each key immediately followed by its value."""
    return "".join(key + value for key, value in sorted(pairs)).encode()


def signed_messages(body: bytes, query: Iterable[tuple[str, str]], content_type: str | None) -> list[bytes]:
    """Every string a genuine Zoho signature may have been computed over, the documented rule first."""
    query_pairs = list(query)
    if is_form(content_type):
        form_pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        documented = sorted_pairs_prefix(query_pairs + form_pairs)
    else:
        documented = sorted_pairs_prefix(query_pairs) + body
    return [documented] if documented == body else [documented, body]


def decode_signature(value: str) -> bytes | None:
    """The digest bytes of a hex (any case) or base64 signature; None when it is neither."""
    text = value.strip()
    if text.lower().startswith("sha256="):
        text = text[7:]
    if len(text) == 64:
        try:
            return bytes.fromhex(text)
        except ValueError:
            pass
    try:
        padded = text + "=" * (-len(text) % 4)
        decoded = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        return None
    return decoded if len(decoded) == hashlib.sha256().digest_size else None


class WebhookVerifier:
    """Checks one request against the configured secret and/or token; built once per process."""

    def __init__(self, settings: WebhookSettings) -> None:
        self._disabled = settings.verification_disabled
        self._secret = settings.hmac_secret.get_secret_value().encode() if settings.hmac_secret else None
        self._token = settings.shared_token.get_secret_value().encode() if settings.shared_token else None
        self._signature_header = settings.signature_header
        self._token_header = settings.token_header
        self._token_param = settings.token_query_param

    def verify(
        self,
        body: bytes,
        headers: Mapping[str, str],
        query: Iterable[tuple[str, str]],
        content_type: str | None,
    ) -> None:
        """Returns when the request is genuine; raises VerificationFailed (401) saying why not."""
        if self._disabled:
            return
        if self._secret is None and self._token is None:
            raise VerificationFailed(NO_SECRET_MESSAGE)
        query_pairs = list(query)
        failures: list[str] = []
        if self._secret is not None:
            failure = self._check_signature(self._secret, body, headers, query_pairs, content_type)
            if failure is None:
                return
            failures.append(failure)
        if self._token is not None:
            failure = self._check_token(self._token, headers, query_pairs)
            if failure is None:
                return
            failures.append(failure)
        raise VerificationFailed("webhook verification failed: " + "; ".join(failures))

    def _check_signature(
        self,
        secret: bytes,
        body: bytes,
        headers: Mapping[str, str],
        query: list[tuple[str, str]],
        content_type: str | None,
    ) -> str | None:
        given = header_value(headers, self._signature_header)
        if not given:
            return f"missing signature header {self._signature_header}"
        given_digest = decode_signature(given)
        if given_digest is None:
            return f"signature in {self._signature_header} is neither hex nor base64 SHA-256"
        matched = False
        for message in signed_messages(body, query, content_type):
            expected = hmac.new(secret, message, hashlib.sha256).digest()
            matched |= hmac.compare_digest(expected, given_digest)
        return None if matched else f"signature in {self._signature_header} does not match the body"

    def _check_token(
        self, token: bytes, headers: Mapping[str, str], query: list[tuple[str, str]]
    ) -> str | None:
        given = header_value(headers, self._token_header)
        if given is None:
            given = header_value(headers, LEGACY_TOKEN_HEADER)
        if given is None:
            given = next((value for key, value in query if key == self._token_param), None)
        if not given:
            return (
                f"missing token (header {self._token_header} or {LEGACY_TOKEN_HEADER}, "
                f"or query parameter {self._token_param})"
            )
        if not hmac.compare_digest(given.encode(), token):
            return "wrong token"
        return None
