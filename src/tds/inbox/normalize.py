"""Turns a Zoho webhook body into (entity, record, action), accepting every shape Zoho sends (pure).

Shapes (webhooks.md §2 and §6): the record wrapped under its module key (`{"item": {...}}`), the
plural key holding a one-element list, a bare record (it has the entity's id field), and a form
body whose `JSONString` (or older `payload`) field holds any of those as JSON. An empty `payload`
is the check call Zoho sends when a webhook is saved. A delete is signalled by the DELETE method,
`?event=deleted`, or a top-level `"event"`/`"event_type"`/`"action"` of deleted.

The earlier integration's envelope is accepted too: `{"entity_id": "…", "data": {…record…},
"event": "updated"}`. `data` holds the record (bare or under its module key); `entity_id` fills the
record's id field when the record lacks it and must equal it otherwise; `entity_type` and
`organization_id` are ignored (the URL names the entity). A module key beside `data` wins, as it did
there.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Final
from urllib.parse import parse_qsl

import orjson

from tds.entities.catalog import ENTITIES, ENTITY_NAMES, EntitySpec, by_module_key, lookup
from tds.entities.handler import Action
from tds.errors import InvalidPayload, UnknownEntity, UnsupportedContentType
from tds.inbox.verification import is_form

JSON_CONTENT_TYPES = frozenset({"application/json", "text/json", "text/plain"})
PAYLOAD_FIELDS = ("JSONString", "payload")
EVENT_FIELDS = ("event", "event_type", "action")
# The earlier integration's envelope: the record under `data`, its id beside it.
ENVELOPE_DATA_FIELD = "data"
ENVELOPE_ID_FIELD = "entity_id"
META_FIELDS = frozenset({*PAYLOAD_FIELDS, *EVENT_FIELDS})
MAX_NESTING = 2
_BY_PLURAL_KEY: dict[str, EntitySpec] = {
    key: spec for spec in ENTITIES for key in (spec.list_key, f"{spec.module_key}s")
}


@dataclass(frozen=True)
class Normalized:
    """The record a delivery carries, the entity it belongs to, and what to do with it."""

    spec: EntitySpec
    record: dict[str, Any]
    action: Action


class CheckCall:
    """Zoho's empty test delivery: answered 200, stored nowhere."""


CHECK_CALL: Final = CheckCall()


def resolve_entity(name: str) -> EntitySpec:
    """The entity a webhook URL names (canonical name or alias, any case); UnknownEntity (404) else."""
    spec = lookup(name)
    if spec is None:
        accepted = ", ".join(ENTITY_NAMES)
        raise UnknownEntity(f"unknown entity '{name}'; accepted: {accepted}", entity=name)
    return spec


def decode_body(body: bytes, content_type: str | None) -> object:
    """The JSON document in a JSON or form body; 415 for other content types, 400 for bad bodies."""
    if not body.strip():
        raise InvalidPayload("the request body is empty")
    if is_form(content_type):
        return _decode_form(body)
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type and media_type not in JSON_CONTENT_TYPES and not media_type.endswith("+json"):
        raise UnsupportedContentType(
            f"unsupported content type '{media_type}'; send application/json "
            "or application/x-www-form-urlencoded",
            content_type=media_type,
        )
    return _loads(body, "the body")


def normalize(
    spec: EntitySpec, document: object, *, method: str, query_event: str | None = None
) -> Normalized | CheckCall:
    """Finds the record for the URL's entity in a decoded body, or recognises the check call."""
    deleted = method.upper() == "DELETE" or _means_delete(query_event)
    return _normalize(spec, document, deleted=deleted, depth=0)


def _normalize(spec: EntitySpec, document: object, *, deleted: bool, depth: int) -> Normalized | CheckCall:
    if not isinstance(document, dict):
        raise InvalidPayload(f"the body must be a JSON object, not {type(document).__name__}")
    if _is_check_call(document):
        return CHECK_CALL
    deleted = deleted or any(_means_delete(document.get(name)) for name in EVENT_FIELDS)
    inner = _nested_payload(document)
    if inner is not None:
        if depth >= MAX_NESTING:
            raise InvalidPayload("the payload is nested in too many payload/JSONString fields")
        return _normalize(spec, inner, deleted=deleted, depth=depth + 1)
    data = _envelope_data(spec, document)
    if data is not None:
        if depth >= MAX_NESTING:
            raise InvalidPayload("the payload is nested in too many payload/JSONString/data fields")
        if not data and not deleted:
            raise InvalidPayload("the record under 'data' is empty; nothing to apply")
        found = _normalize(spec, data, deleted=deleted, depth=depth + 1)
        return _with_entity_id(found, document.get(ENVELOPE_ID_FIELD))
    record = _find_record(spec, document)
    return Normalized(spec, record, "delete" if deleted else "upsert")


def _envelope_data(spec: EntitySpec, document: dict[str, Any]) -> dict[str, Any] | None:
    """The record object under `data`, unless the document is itself the record or wraps one by key."""
    data = document.get(ENVELOPE_DATA_FIELD)
    if not isinstance(data, dict) or spec.id_field in document or _wrapped_candidates(document):
        return None
    return data


def _with_entity_id(found: Normalized | CheckCall, entity_id: object) -> Normalized | CheckCall:
    """The envelope's `entity_id` as the record's id: filled in when missing, else it must agree."""
    if isinstance(found, CheckCall) or entity_id is None or entity_id == "":
        return found
    if isinstance(entity_id, bool) or not isinstance(entity_id, str | int):
        raise InvalidPayload(f"entity_id must be a string or an integer, not {type(entity_id).__name__}")
    given = str(entity_id).strip()
    id_field = found.spec.id_field
    current = found.record.get(id_field)
    if current is None or current == "":
        return replace(found, record={**found.record, id_field: given})
    if str(current).strip() != given:
        raise InvalidPayload(
            f"entity_id '{given}' does not match {id_field} '{current}' of the record under 'data'",
            entity_id=given,
        )
    return found


def _decode_form(body: bytes) -> object:
    try:
        fields = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False))
    except UnicodeDecodeError as exc:
        raise InvalidPayload("the form body is not UTF-8") from exc
    for name in PAYLOAD_FIELDS:
        if name in fields:
            value = fields[name]
            return {"payload": ""} if not value.strip() else _loads(value.encode(), f"form field {name}")
    raise InvalidPayload("the form body has no JSONString or payload field")


def _loads(data: bytes, what: str) -> object:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise InvalidPayload(f"{what} is not valid JSON: {exc}") from exc


def _is_check_call(document: dict[str, Any]) -> bool:
    if not any(name in document for name in PAYLOAD_FIELDS) or not set(document) <= META_FIELDS:
        return False
    return all(document.get(name) in ("", None) for name in PAYLOAD_FIELDS)


def _nested_payload(document: dict[str, Any]) -> object | None:
    """A `payload`/`JSONString` member holding the real body (as JSON text or an object)."""
    for name in PAYLOAD_FIELDS:
        value = document.get(name)
        if isinstance(value, str) and value.strip():
            return _loads(value.encode(), f"field {name}")
        if isinstance(value, dict):
            return value
    return None


def _means_delete(value: object) -> bool:
    if not isinstance(value, str):
        return False
    text = value.strip().lower()
    return text == "delete" or text.endswith("deleted")


def _find_record(spec: EntitySpec, document: dict[str, Any]) -> dict[str, Any]:
    """The bare record, the one under the URL entity's key, or a 400 naming the entity the body holds."""
    if spec.id_field in document:
        return document
    wrapped = _wrapped_candidates(document)
    for key, found in wrapped:
        if found.name == spec.name:
            return _unwrap(key, document[key])
    if wrapped:
        key, found = wrapped[0]
        raise InvalidPayload(
            f"entity mismatch: the URL is for '{spec.name}' but the body carries '{found.name}' "
            f"(key '{key}')",
            url_entity=spec.name,
            body_entity=found.name,
        )
    return document


def _wrapped_candidates(document: dict[str, Any]) -> list[tuple[str, EntitySpec]]:
    found: list[tuple[str, EntitySpec]] = []
    for key in document:
        if key in META_FIELDS:
            continue
        spec = by_module_key(key) or _BY_PLURAL_KEY.get(key)
        if spec is not None:
            found.append((key, spec))
    return found


def _unwrap(key: str, value: object) -> dict[str, Any]:
    if isinstance(value, list):
        if len(value) != 1:
            raise InvalidPayload(f"key '{key}' must hold exactly one record, not {len(value)}")
        value = value[0]
    if not isinstance(value, dict):
        raise InvalidPayload(f"key '{key}' must hold a JSON object, not {type(value).__name__}")
    return value
