"""From a verified webhook request's parts to the record for the inbox, or the check call (pure)."""

from __future__ import annotations

from collections.abc import Mapping

from tds.inbox.normalize import CHECK_CALL, CheckCall, decode_body, normalize, resolve_entity
from tds.inbox.records import IncomingRecord
from tds.inbox.verification import header_value

WEBHOOK_SOURCE = "webhook"
# Kept with each delivery for triage; never the signature or the token.
HEADERS_OF_NOTE = ("content-type", "user-agent", "x-com-zoho-organizationid")


def headers_of_note(headers: Mapping[str, str]) -> dict[str, str]:
    """The request headers worth keeping, by lower-case name."""
    kept: dict[str, str] = {}
    for name in HEADERS_OF_NOTE:
        value = header_value(headers, name)
        if value is not None:
            kept[name] = value
    return kept


def parse_delivery(
    path_entity: str,
    body: bytes,
    *,
    content_type: str | None,
    method: str,
    query_event: str | None,
    headers: dict[str, str],
) -> IncomingRecord | CheckCall:
    """The record a webhook delivers; raises a WebhookError subclass naming what is wrong.

    `body` must already have passed verification. Unknown entity 404, unsupported content type
    415, undecodable or mismatched body 400, missing record id 422.
    """
    spec = resolve_entity(path_entity)
    document = decode_body(body, content_type)
    found = normalize(spec, document, method=method, query_event=query_event)
    if isinstance(found, CheckCall):
        return CHECK_CALL
    return IncomingRecord.from_record(
        found.spec,
        found.record,
        source=WEBHOOK_SOURCE,
        action=found.action,
        headers=headers,
        raw_body=body.decode("utf-8", "replace"),
    )
