"""The earlier integration's envelope (`entity_id` + `data`) normalises like Zoho's own body shapes."""

from __future__ import annotations

from urllib.parse import urlencode

import orjson
import pytest

from tds.entities.catalog import ENTITIES, EntitySpec, get
from tds.errors import InvalidPayload, RecordIdMissing
from tds.inbox.intake import parse_delivery
from tds.inbox.normalize import CHECK_CALL, Normalized, normalize
from tds.inbox.records import IncomingRecord

FORM = "application/x-www-form-urlencoded;charset=UTF-8"
RECORD_ID = "460000000012345"


def record_for(spec: EntitySpec, record_id: str = RECORD_ID) -> dict[str, object]:
    return {spec.id_field: record_id, "last_modified_time": "2026-01-06T08:00:00+0300", "name": "x"}


@pytest.mark.parametrize("spec", ENTITIES, ids=lambda s: s.name)
def test_record_under_data_with_entity_id_is_accepted(spec: EntitySpec) -> None:
    """`{"entity_id", "data", "event"}` yields the record under `data`, for every entity."""
    record = record_for(spec)
    body = {"entity_id": RECORD_ID, "data": record, "event": "updated"}
    assert normalize(spec, body, method="POST") == Normalized(spec, record, "upsert")


def test_entity_id_fills_a_record_without_its_id() -> None:
    """A record under `data` that lacks its id field takes it from `entity_id`."""
    spec = get("inventory_adjustment")
    found = normalize(spec, {"entity_id": RECORD_ID, "data": {"reason": "count"}}, method="POST")
    assert found == Normalized(spec, {"reason": "count", "inventory_adjustment_id": RECORD_ID}, "upsert")


def test_numeric_entity_id_becomes_the_string_id() -> None:
    """A numeric `entity_id` fills the id as a string, as Zoho's numeric ids are stored."""
    spec = get("pricebook")
    found = normalize(spec, {"entity_id": 4600000000000000001, "data": {"name": "retail"}}, method="POST")
    assert isinstance(found, Normalized)
    assert found.record["pricebook_id"] == "4600000000000000001"


def test_entity_id_that_contradicts_the_record_is_refused() -> None:
    """An `entity_id` other than the record's own id is refused, naming both."""
    spec = get("item")
    with pytest.raises(InvalidPayload, match=r"entity_id '999' does not match item_id '460000000012345'"):
        normalize(spec, {"entity_id": "999", "data": record_for(spec)}, method="POST")


def test_entity_id_equal_to_a_numeric_record_id_is_accepted() -> None:
    """The same id written once as a number and once as a string agrees."""
    spec = get("item")
    body = {"entity_id": "42", "data": {"item_id": 42, "name": "x"}}
    assert normalize(spec, body, method="POST") == Normalized(spec, {"item_id": 42, "name": "x"}, "upsert")


def test_data_without_entity_id_is_the_record() -> None:
    """`entity_id` is optional when the record carries its id."""
    spec = get("user")
    record = record_for(spec)
    assert normalize(spec, {"data": record}, method="POST") == Normalized(spec, record, "upsert")


def test_data_holding_the_module_key_is_unwrapped() -> None:
    """`data` may itself hold Zoho's default payload (`{"data": {"salesorder": {...}}}`)."""
    spec = get("salesorder")
    record = record_for(spec)
    body = {"entity_id": RECORD_ID, "data": {"salesorder": record}}
    assert normalize(spec, body, method="POST") == Normalized(spec, record, "upsert")


def test_module_key_beside_data_wins() -> None:
    """With both `item` and `data` present, the record under `item` is taken, as before."""
    spec = get("item")
    record = record_for(spec)
    body = {"entity_id": RECORD_ID, "item": record, "data": {"item_id": "other"}}
    assert normalize(spec, body, method="POST") == Normalized(spec, record, "upsert")


def test_bare_record_with_a_data_field_stays_a_bare_record() -> None:
    """A record that has its id field is the record, even when one of its fields is named `data`."""
    spec = get("item")
    record = {**record_for(spec), "data": {"note": "a custom field"}}
    assert normalize(spec, record, method="POST") == Normalized(spec, record, "upsert")


def test_data_of_another_entity_is_refused() -> None:
    """`data` wrapping another entity's record is the same mismatch as at the top level."""
    spec = get("item")
    with pytest.raises(InvalidPayload, match="entity mismatch"):
        normalize(spec, {"data": {"contact": record_for(get("contact"))}}, method="POST")


@pytest.mark.parametrize("field", ["event", "event_type", "action"])
def test_event_deleted_beside_data_means_delete(field: str) -> None:
    """`event`, `event_type` or `action` of deleted (`item.deleted` too) beside `data` deletes."""
    spec = get("item")
    record = record_for(spec)
    for value in ("deleted", "item.deleted"):
        found = normalize(spec, {field: value, "entity_id": RECORD_ID, "data": record}, method="POST")
        assert found == Normalized(spec, record, "delete")


def test_delete_with_empty_data_is_the_id_alone() -> None:
    """A delete needs no record: `entity_id` with empty `data` deletes that id."""
    spec = get("contact")
    found = normalize(spec, {"event": "deleted", "entity_id": RECORD_ID, "data": {}}, method="POST")
    assert found == Normalized(spec, {"contact_id": RECORD_ID}, "delete")


def test_upsert_with_empty_data_is_refused() -> None:
    """An empty record is never applied as an update."""
    with pytest.raises(InvalidPayload, match="empty"):
        normalize(get("item"), {"entity_id": RECORD_ID, "data": {}, "event": "updated"}, method="POST")


def test_entity_type_and_organization_id_are_ignored() -> None:
    """The URL names the entity; the envelope's `entity_type` (old names) and org id change nothing."""
    spec = get("contact")
    record = {**record_for(spec), "contact_type": "vendor"}
    body = {"entity_type": "vendor", "organization_id": "60001", "entity_id": RECORD_ID, "data": record}
    assert normalize(spec, body, method="POST") == Normalized(spec, record, "upsert")


def test_wrong_type_of_entity_id_is_refused() -> None:
    """An `entity_id` that is neither a string nor an integer is refused."""
    with pytest.raises(InvalidPayload, match="entity_id must be"):
        normalize(get("item"), {"entity_id": 1.5, "data": {"name": "x"}}, method="POST")


def test_envelope_without_any_id_is_refused_naming_the_field() -> None:
    """No `entity_id` and no id in the record: 422 naming the id field."""
    body = orjson.dumps({"event": "updated", "data": {"name": "x"}})
    with pytest.raises(RecordIdMissing, match="item_id"):
        parse_delivery(
            "item", body, content_type="application/json", method="POST", query_event=None, headers={}
        )


def test_envelope_in_a_form_jsonstring_field_is_accepted() -> None:
    """The envelope may arrive as form JSON too, like every other shape."""
    spec = get("invoice")
    record = record_for(spec)
    form = urlencode({"JSONString": orjson.dumps({"entity_id": RECORD_ID, "data": record}).decode()})
    found = parse_delivery(
        "invoices", form.encode(), content_type=FORM, method="POST", query_event=None, headers={}
    )
    assert isinstance(found, IncomingRecord)
    assert (found.entity, found.entity_id, found.payload) == ("invoice", RECORD_ID, record)


def test_empty_payload_inside_data_is_still_the_check_call() -> None:
    """A check call wrapped in the envelope is recognised and carries nothing."""
    assert normalize(get("item"), {"data": {"payload": ""}}, method="POST") is CHECK_CALL
