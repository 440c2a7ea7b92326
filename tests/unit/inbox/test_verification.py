"""Webhook verification: Zoho's HMAC signature rule, encodings, tokens, and the policy between them."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from tds.config import WebhookSettings
from tds.errors import VerificationFailed
from tds.inbox.verification import WebhookVerifier, decode_signature, signed_messages

SECRET = "s3cretKey4Webhooks"
TOKEN = "tok-123456789"
BODY = b'{"item":{"item_id":"9"}}'
JSON = "application/json"
FORM = "application/x-www-form-urlencoded;charset=UTF-8"


def sign(message: bytes, secret: str = SECRET) -> bytes:
    return hmac.new(secret.encode(), message, hashlib.sha256).digest()


def verifier(**settings: object) -> WebhookVerifier:
    return WebhookVerifier(WebhookSettings(**settings))  # type: ignore[arg-type]


SIGNED = verifier(hmac_secret=SECRET)


class TestSignature:
    def test_lowercase_hex_signature_of_the_raw_body_passes(self) -> None:
        """Zoho's common case: lowercase hex HMAC-SHA256 of the raw JSON body."""
        headers = {"X-Zoho-Webhook-Signature": sign(BODY).hex()}
        SIGNED.verify(BODY, headers, [], JSON)

    def test_uppercase_hex_signature_passes(self) -> None:
        """Hex is accepted in any case."""
        headers = {"X-Zoho-Webhook-Signature": sign(BODY).hex().upper()}
        SIGNED.verify(BODY, headers, [], JSON)

    def test_base64_signature_passes(self) -> None:
        """A base64-encoded digest is accepted as well as hex."""
        headers = {"X-Zoho-Webhook-Signature": base64.b64encode(sign(BODY)).decode()}
        SIGNED.verify(BODY, headers, [], JSON)

    def test_header_name_is_case_insensitive(self) -> None:
        """The signature header is found whatever its case."""
        headers = {"x-zoho-webhook-signature": sign(BODY).hex()}
        SIGNED.verify(BODY, headers, [], JSON)

    def test_configured_header_name_is_used(self) -> None:
        """A renamed signature header is where the signature is read from."""
        custom = verifier(hmac_secret=SECRET, signature_header="X-Sig")
        custom.verify(BODY, {"x-sig": sign(BODY).hex()}, [], JSON)
        with pytest.raises(VerificationFailed, match="missing signature header X-Sig"):
            custom.verify(BODY, {"X-Zoho-Webhook-Signature": sign(BODY).hex()}, [], JSON)

    def test_wrong_signature_is_rejected(self) -> None:
        """A signature made with another secret fails with a message saying it does not match."""
        headers = {"X-Zoho-Webhook-Signature": sign(BODY, "another-secret-0").hex()}
        with pytest.raises(VerificationFailed, match="does not match"):
            SIGNED.verify(BODY, headers, [], JSON)

    def test_tampered_body_is_rejected(self) -> None:
        """A valid signature of one body does not pass for another."""
        headers = {"X-Zoho-Webhook-Signature": sign(BODY).hex()}
        with pytest.raises(VerificationFailed):
            SIGNED.verify(BODY.replace(b"9", b"8"), headers, [], JSON)

    def test_missing_signature_is_rejected(self) -> None:
        """With a secret configured the signature header is required."""
        with pytest.raises(VerificationFailed, match="missing signature header X-Zoho-Webhook-Signature"):
            SIGNED.verify(BODY, {}, [], JSON)

    def test_garbage_signature_is_rejected(self) -> None:
        """A header that is neither hex nor base64 of a SHA-256 digest is refused."""
        with pytest.raises(VerificationFailed, match="neither hex nor base64"):
            SIGNED.verify(BODY, {"X-Zoho-Webhook-Signature": "not-a-signature!"}, [], JSON)

    def test_sorted_query_pairs_prefix_the_body(self) -> None:
        """With query parameters Zoho signs the pairs sorted by key, key then value, then the body."""
        query = [("b", "2"), ("a", "1")]
        headers = {"X-Zoho-Webhook-Signature": sign(b"a1b2" + BODY).hex()}
        SIGNED.verify(BODY, headers, query, JSON)

    def test_form_fields_and_query_are_signed_sorted_without_the_raw_body(self) -> None:
        """A form body is signed as its decoded fields merged with the query, sorted, no raw body."""
        body = b"JSONString=%7B%22item%22%3A%7B%22item_id%22%3A%229%22%7D%7D"
        message = b'JSONString{"item":{"item_id":"9"}}org1'
        headers = {"X-Zoho-Webhook-Signature": sign(message).hex()}
        SIGNED.verify(body, headers, [("org", "1")], FORM)

    def test_form_body_signed_as_raw_bytes_also_passes(self) -> None:
        """Zoho has not documented form signing for Books, so the raw form bytes are accepted too."""
        body = b"JSONString=%7B%7D"
        SIGNED.verify(body, {"X-Zoho-Webhook-Signature": sign(body).hex()}, [], FORM)

    def test_signature_over_unsorted_query_is_rejected(self) -> None:
        """Pairs in arrival order instead of sorted order do not match."""
        query = [("b", "2"), ("a", "1")]
        headers = {"X-Zoho-Webhook-Signature": sign(b"b2a1" + BODY).hex()}
        with pytest.raises(VerificationFailed):
            SIGNED.verify(BODY, headers, query, JSON)


class TestToken:
    def test_token_in_header_passes(self) -> None:
        """The shared token is accepted from the configured header."""
        verifier(shared_token=TOKEN).verify(BODY, {"x-tds-webhook-token": TOKEN}, [], JSON)

    def test_token_in_query_parameter_passes(self) -> None:
        """The shared token is accepted from the configured query parameter."""
        verifier(shared_token=TOKEN).verify(BODY, {}, [("token", TOKEN)], JSON)

    def test_wrong_token_is_rejected(self) -> None:
        """A different token fails."""
        with pytest.raises(VerificationFailed, match="wrong token"):
            verifier(shared_token=TOKEN).verify(BODY, {}, [("token", "tok-999")], JSON)

    def test_missing_token_is_rejected(self) -> None:
        """With only a token configured, a request without it fails, naming where it was expected."""
        with pytest.raises(VerificationFailed, match="missing token"):
            verifier(shared_token=TOKEN).verify(BODY, {}, [], JSON)

    def test_token_in_the_earlier_x_webhook_key_header_passes(self) -> None:
        """The earlier integration's `X-Webhook-Key` header carries the same shared token."""
        verifier(shared_token=TOKEN).verify(BODY, {"X-Webhook-Key": TOKEN}, [], JSON)
        verifier(shared_token=TOKEN).verify(BODY, {"x-webhook-key": TOKEN}, [], JSON)

    def test_wrong_x_webhook_key_is_rejected(self) -> None:
        """A wrong key in `X-Webhook-Key` fails like a wrong token anywhere else."""
        with pytest.raises(VerificationFailed, match="wrong token"):
            verifier(shared_token=TOKEN).verify(BODY, {"X-Webhook-Key": "tok-999"}, [], JSON)

    def test_x_webhook_key_counts_as_the_token_beside_a_secret(self) -> None:
        """With a secret and a token configured, `X-Webhook-Key` alone passes, as the token does."""
        verifier(hmac_secret=SECRET, shared_token=TOKEN).verify(BODY, {"X-Webhook-Key": TOKEN}, [], JSON)

    def test_missing_token_message_names_x_webhook_key(self) -> None:
        """The refusal says every place the token may be."""
        with pytest.raises(VerificationFailed, match=r"X-TDS-Webhook-Token or X-Webhook-Key.*token\)"):
            verifier(shared_token=TOKEN).verify(BODY, {}, [], JSON)

    def test_signature_alone_does_not_satisfy_a_token_only_setup(self) -> None:
        """A token-only configuration ignores signatures."""
        headers = {"X-Zoho-Webhook-Signature": sign(BODY).hex()}
        with pytest.raises(VerificationFailed):
            verifier(shared_token=TOKEN).verify(BODY, headers, [], JSON)


class TestPolicy:
    def test_with_both_configured_a_token_alone_passes(self) -> None:
        """Secret and token configured: either one passing is enough (the token here)."""
        verifier(hmac_secret=SECRET, shared_token=TOKEN).verify(BODY, {}, [("token", TOKEN)], JSON)

    def test_with_both_configured_a_signature_alone_passes(self) -> None:
        """Secret and token configured: either one passing is enough (the signature here)."""
        headers = {"X-Zoho-Webhook-Signature": sign(BODY).hex()}
        verifier(hmac_secret=SECRET, shared_token=TOKEN).verify(BODY, headers, [], JSON)

    def test_with_both_configured_neither_fails_naming_both(self) -> None:
        """When both checks fail the message says why each failed."""
        with pytest.raises(VerificationFailed, match=r"missing signature header.*; missing token"):
            verifier(hmac_secret=SECRET, shared_token=TOKEN).verify(BODY, {}, [], JSON)

    def test_nothing_configured_rejects_everything(self) -> None:
        """No secret and no token: every request is refused with a message saying so."""
        with pytest.raises(VerificationFailed, match="no webhook secret or token is configured"):
            verifier().verify(BODY, {"X-Zoho-Webhook-Signature": sign(BODY).hex()}, [], JSON)

    def test_disabled_verification_accepts_anything(self) -> None:
        """verification_disabled lets unsigned requests through."""
        verifier(verification_disabled=True, hmac_secret=SECRET).verify(BODY, {}, [], JSON)


class TestHelpers:
    def test_signed_message_without_query_is_the_raw_body(self) -> None:
        """No query and a JSON body: the signed string is the body exactly."""
        assert signed_messages(BODY, [], JSON) == [BODY]

    def test_decode_signature_accepts_prefix_and_urlsafe_base64(self) -> None:
        """`sha256=` prefixes and URL-safe base64 decode to the same digest."""
        digest = sign(BODY)
        assert decode_signature("sha256=" + digest.hex()) == digest
        assert decode_signature(base64.urlsafe_b64encode(digest).decode().rstrip("=")) == digest
        assert decode_signature("abcd") is None
