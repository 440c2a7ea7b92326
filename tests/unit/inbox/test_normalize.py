"""Webhook normalisation: every body shape Zoho sends becomes one (entity, record, action)."""

from __future__ import annotations

from urllib.parse import urlencode

import orjson
import pytest

from tds.entities.catalog import ENTITIES, EntitySpec, get
from tds.errors import InvalidPayload, RecordIdMissing, UnknownEntity, UnsupportedContentType
from tds.inbox.intake import headers_of_note, parse_delivery
from tds.inbox.normalize import CHECK_CALL, Normalized, decode_body, normalize, resolve_entity
from tds.inbox.records import IncomingRecord

JSON = "application/json"
FORM = "application/x-www-form-urlencoded;charset=UTF-8"


def record_for(spec: EntitySpec, record_id: str = "460000000012345") -> dict[str, object]:
    return {spec.id_field: record_id, "last_modified_time": "2026-01-06T08:00:00+0300", "name": "x"}


def parse(entity: str, body: bytes, content_type: str = JSON, method: str = "POST", event: str | None = None):
    return parse_delivery(
        entity, body, content_type=content_type, method=method, query_event=event, headers={}
    )


@pytest.mark.parametrize("spec", ENTITIES, ids=lambda s: s.name)
def test_every_entity_module_key_unwraps(spec: EntitySpec) -> None:
    """`{"<module_key>": {...}}` at the entity's URL yields that record, as an upsert."""
    record = record_for(spec)
    found = normalize(spec, {spec.module_key: record}, method="POST")
    assert found == Normalized(spec, record, "upsert")


@pytest.mark.parametrize("spec", ENTITIES, ids=lambda s: s.name)
def test_every_entity_accepts_its_own_name_and_aliases_in_the_url(spec: EntitySpec) -> None:
    """The URL may name the entity canonically or by any alias, in any case."""
    for name in (spec.name, *spec.aliases, spec.name.upper()):
        assert resolve_entity(name) is spec


def test_bare_record_is_accepted() -> None:
    """A record sent without a wrapper is recognised by its id field."""
    spec = get("invoice")
    record = record_for(spec)
    assert normalize(spec, record, method="POST") == Normalized(spec, record, "upsert")


def test_plural_key_with_one_record_is_accepted() -> None:
    """`{"items": [{...}]}` holding one record yields that record."""
    spec = get("item")
    record = record_for(spec)
    assert normalize(spec, {"items": [record]}, method="POST") == Normalized(spec, record, "upsert")


def test_plural_key_with_several_records_is_refused() -> None:
    """A plural key must hold exactly one record."""
    spec = get("item")
    with pytest.raises(InvalidPayload, match="exactly one record"):
        normalize(spec, {"items": [record_for(spec), record_for(spec, "2")]}, method="POST")


def test_form_jsonstring_holds_the_wrapped_record() -> None:
    """A form body's JSONString field carries the default JSON payload."""
    spec = get("salesorder")
    record = record_for(spec)
    body = urlencode({"JSONString": orjson.dumps({"salesorder": record}).decode()}).encode()
    found = parse("salesorder", body, FORM)
    assert isinstance(found, IncomingRecord)
    assert (found.entity, found.payload, found.action) == ("salesorder", record, "upsert")


def test_form_payload_field_is_accepted() -> None:
    """The older form variant names the field `payload`."""
    spec = get("contact")
    record = record_for(spec)
    body = urlencode({"payload": orjson.dumps({"contact": record}).decode()}).encode()
    found = parse("contacts", body, FORM)
    assert isinstance(found, IncomingRecord)
    assert found.payload == record


@pytest.mark.parametrize(
    ("body", "content_type"),
    [(b"payload=", FORM), (b'{"payload": ""}', JSON), (b"JSONString=", FORM), (b'{"payload": null}', JSON)],
)
def test_empty_payload_is_the_check_call(body: bytes, content_type: str) -> None:
    """Zoho's test delivery (an empty payload, form or JSON) is recognised and carries nothing."""
    assert parse("item", body, content_type) is CHECK_CALL


def test_delete_method_means_delete() -> None:
    """A webhook configured with method DELETE deletes the record."""
    spec = get("item")
    assert normalize(spec, {"item": record_for(spec)}, method="DELETE").action == "delete"  # type: ignore[union-attr]


@pytest.mark.parametrize("event", ["deleted", "delete", "Deleted"])
def test_query_event_deleted_means_delete(event: str) -> None:
    """`?event=deleted` (or delete) on the URL marks a delete."""
    spec = get("item")
    found = normalize(spec, {"item": record_for(spec)}, method="POST", query_event=event)
    assert isinstance(found, Normalized)
    assert found.action == "delete"


@pytest.mark.parametrize("field", ["event", "action"])
def test_top_level_event_deleted_means_delete(field: str) -> None:
    """A top-level "event" or "action" of deleted marks a delete, outside the record."""
    spec = get("bill")
    record = record_for(spec)
    found = normalize(spec, {field: "deleted", "bill": record}, method="PUT")
    assert found == Normalized(spec, record, "delete")


def test_other_events_are_upserts() -> None:
    """Events other than delete (created, edited) upsert."""
    spec = get("bill")
    found = normalize(spec, {"event": "edited", "bill": record_for(spec)}, method="PUT")
    assert isinstance(found, Normalized)
    assert found.action == "upsert"


def test_mismatched_entity_names_both() -> None:
    """A contact URL receiving an invoice is refused, naming both entities."""
    spec = get("contact")
    with pytest.raises(InvalidPayload, match=r"URL is for 'contact' but the body carries 'invoice'"):
        normalize(spec, {"invoice": record_for(get("invoice"))}, method="POST")


def test_payment_key_belongs_to_customer_payments() -> None:
    """`{"payment": ...}` is a customer payment and refused at the vendor-payment URL."""
    record = record_for(get("customerpayment"))
    assert normalize(get("payments"), {"payment": record}, method="POST") == Normalized(
        get("customerpayment"), record, "upsert"
    )
    with pytest.raises(InvalidPayload, match="mismatch"):
        normalize(get("vendorpayment"), {"payment": record}, method="POST")


def test_missing_id_names_the_field() -> None:
    """A record without its id field is refused (422) naming the field."""
    body = orjson.dumps({"item": {"name": "no id"}})
    with pytest.raises(RecordIdMissing, match="item_id") as caught:
        parse("item", body)
    assert caught.value.status_code == 422
    assert caught.value.context["field"] == "item_id"


def test_numeric_id_is_stored_as_string() -> None:
    """Ids printed as numbers (as in Zoho's documentation) become strings."""
    found = parse("item", b'{"item": {"item_id": 4600000000000000001}}')
    assert isinstance(found, IncomingRecord)
    assert found.entity_id == "4600000000000000001"


def test_arabic_text_survives_unchanged() -> None:
    """Non-ASCII record values (Arabic names) arrive intact, in JSON and in form bodies."""
    record = {"contact_id": "77", "contact_name": "شركة التوزيع الحديثة", "last_modified_time": ""}
    json_found = parse("contact", orjson.dumps({"contact": record}))
    form_body = urlencode({"JSONString": orjson.dumps({"contact": record}).decode()}).encode()
    form_found = parse("contact", form_body, FORM)
    assert isinstance(json_found, IncomingRecord)
    assert isinstance(form_found, IncomingRecord)
    assert json_found.payload["contact_name"] == "شركة التوزيع الحديثة"
    assert form_found.payload == json_found.payload


def test_last_modified_time_becomes_source_modified_at() -> None:
    """The record's Zoho timestamp is parsed into the inbox's version column."""
    found = parse("item", orjson.dumps({"item": record_for(get("item"))}))
    assert isinstance(found, IncomingRecord)
    assert found.source_modified_at is not None
    assert found.source_modified_at.isoformat() == "2026-01-06T08:00:00+03:00"


class TestBadBodies:
    def test_unknown_entity_names_the_accepted_ones(self) -> None:
        """An unknown URL entity is a 404 listing the canonical names."""
        with pytest.raises(UnknownEntity, match="unknown entity 'gizmo'; accepted: item, contact"):
            resolve_entity("gizmo")

    def test_invalid_json_is_refused(self) -> None:
        """A body that is not JSON is a 400 saying so."""
        with pytest.raises(InvalidPayload, match="not valid JSON"):
            decode_body(b"{not json", JSON)

    def test_unsupported_content_type_is_refused(self) -> None:
        """XML and other media types are a 415 naming the type."""
        with pytest.raises(UnsupportedContentType, match="text/xml"):
            decode_body(b"<item/>", "text/xml")

    def test_empty_body_is_refused(self) -> None:
        """An empty body is a 400 (the check call has an empty payload field, not an empty body)."""
        with pytest.raises(InvalidPayload, match="empty"):
            decode_body(b"", JSON)

    def test_json_array_is_refused(self) -> None:
        """The body must be an object."""
        with pytest.raises(InvalidPayload, match="JSON object"):
            normalize(get("item"), [1, 2], method="POST")

    def test_form_without_payload_field_is_refused(self) -> None:
        """A form body needs a JSONString or payload field."""
        with pytest.raises(InvalidPayload, match="JSONString or payload"):
            decode_body(b"foo=bar", FORM)

    def test_bad_json_inside_form_field_is_refused(self) -> None:
        """The JSON inside JSONString is validated too."""
        with pytest.raises(InvalidPayload, match="form field JSONString is not valid JSON"):
            decode_body(b"JSONString=%7Bbroken", FORM)

    def test_overlong_id_is_refused(self) -> None:
        """An id far longer than any Zoho id is a 422, not a database error."""
        with pytest.raises(RecordIdMissing, match="item_id is too long"):
            parse("item", orjson.dumps({"item": {"item_id": "9" * 5000}}))

    def test_float_id_is_refused(self) -> None:
        """A float id (precision already lost) is not accepted as an id."""
        with pytest.raises(RecordIdMissing, match="string or an integer"):
            parse("item", b'{"item": {"item_id": 1.5}}')


def test_only_headers_of_note_are_kept() -> None:
    """Content type, user agent and organisation id are kept; signature and token never are."""
    headers = {
        "Content-Type": JSON,
        "User-Agent": "Java/17",
        "X-Com-Zoho-Organizationid": "60001",
        "X-Zoho-Webhook-Signature": "abc",
        "X-TDS-Webhook-Token": "secret-token",
    }
    assert headers_of_note(headers) == {
        "content-type": JSON,
        "user-agent": "Java/17",
        "x-com-zoho-organizationid": "60001",
    }
