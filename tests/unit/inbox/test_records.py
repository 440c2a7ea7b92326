"""Content hashes, idempotency keys and Zoho timestamps of inbox records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import urlencode

import orjson
import pytest

from tds.entities.catalog import get
from tds.errors import InvalidPayload
from tds.inbox.intake import parse_delivery
from tds.inbox.records import IncomingRecord, idempotency_key, keys_for, sha256_hex
from tds.inbox.timeparse import parse_zoho_time

RECORD = {
    "item_id": "460000000012345",
    "name": "مضخة مياه",
    "rate": 12.5,
    "tags": [{"b": 1, "a": 2}],
    "last_modified_time": "2026-01-06T08:00:00+0300",
}


def incoming(record: dict[str, object], source: str = "webhook", action: str = "upsert") -> IncomingRecord:
    return IncomingRecord.from_record(get("item"), record, source=source, action=action)  # type: ignore[arg-type]


class TestHashing:
    def test_form_and_json_deliveries_of_one_record_hash_equal(self) -> None:
        """The same record delivered as form JSONString and as pretty JSON has one hash and one key."""
        pretty = orjson.dumps({"item": RECORD}, option=orjson.OPT_INDENT_2)
        form = urlencode({"JSONString": orjson.dumps({"item": RECORD}).decode()}).encode()
        parts = {"method": "POST", "query_event": None, "headers": {}}
        from_json = parse_delivery("item", pretty, content_type="application/json", **parts)  # type: ignore[arg-type]
        from_form = parse_delivery(
            "items",
            form,
            content_type="application/x-www-form-urlencoded",
            **parts,  # type: ignore[arg-type]
        )
        assert isinstance(from_json, IncomingRecord)
        assert isinstance(from_form, IncomingRecord)
        assert keys_for(from_json) == keys_for(from_form)

    def test_key_order_does_not_change_the_hash(self) -> None:
        """Canonical JSON sorts keys at every level."""
        reordered = dict(reversed(list(RECORD.items())))
        reordered["tags"] = [{"a": 2, "b": 1}]
        assert keys_for(incoming(reordered)).content_hash == keys_for(incoming(RECORD)).content_hash

    def test_source_is_not_part_of_the_key(self) -> None:
        """A pulled record and a webhook of the same version share an idempotency key."""
        assert keys_for(incoming(RECORD, "pull")) == keys_for(incoming(RECORD, "webhook"))

    def test_action_version_and_content_change_the_key(self) -> None:
        """A delete, a newer version and a changed field each get a key of their own."""
        base = keys_for(incoming(RECORD)).idempotency_key
        newer = {**RECORD, "last_modified_time": "2026-01-07T08:00:00+0300"}
        changed = {**RECORD, "rate": 13}
        others = {
            keys_for(incoming(RECORD, action="delete")).idempotency_key,
            keys_for(incoming(newer)).idempotency_key,
            keys_for(incoming(changed)).idempotency_key,
        }
        assert base not in others
        assert len(others) == 3

    def test_key_is_the_documented_formula(self) -> None:
        """key = sha256("entity|id|action|last_modified_time|content_hash")."""
        keys = keys_for(incoming(RECORD))
        content_hash = sha256_hex(orjson.dumps(RECORD, option=orjson.OPT_SORT_KEYS))
        assert keys.content_hash == content_hash
        expected = sha256_hex(f"item|460000000012345|upsert|2026-01-06T08:00:00+0300|{content_hash}".encode())
        assert (
            keys.idempotency_key
            == expected
            == idempotency_key("item", "460000000012345", "upsert", "2026-01-06T08:00:00+0300", content_hash)
        )

    @pytest.mark.parametrize("value", ["\ud800", 2**70], ids=["lone-surrogate", "int-beyond-64-bits"])
    def test_values_json_cannot_carry_are_invalid_payload(self, value: object) -> None:
        """Records from a laxer parser (lone surrogates, huge integers) fail as bad input, not crash."""
        with pytest.raises(InvalidPayload, match="cannot be stored as JSON"):
            keys_for(incoming({**RECORD, "note": value}))


class TestTimeParse:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("2026-01-06T08:00:00+0300", datetime(2026, 1, 6, 5, 0, tzinfo=UTC)),
            ("2013-08-05T12:06:10+0530", datetime(2013, 8, 5, 6, 36, 10, tzinfo=UTC)),
            ("2025-04-09T11:25:54-0400", datetime(2025, 4, 9, 15, 25, 54, tzinfo=UTC)),
            ("2026-01-06T08:00:00+03:00", datetime(2026, 1, 6, 5, 0, tzinfo=UTC)),
            ("2026-01-06T08:00:00Z", datetime(2026, 1, 6, 8, 0, tzinfo=UTC)),
            ("2026-01-06T08:00:00", datetime(2026, 1, 6, 8, 0, tzinfo=UTC)),
        ],
    )
    def test_zoho_and_iso_forms_parse_to_the_same_instant(self, text: str, expected: datetime) -> None:
        """Offsets with or without a colon, Z, and no offset (taken as UTC) all parse."""
        parsed = parse_zoho_time(text)
        assert parsed == expected
        assert parsed is not None
        assert parsed.utcoffset() is not None

    def test_offset_is_kept(self) -> None:
        """The organisation's offset is preserved on the parsed value."""
        parsed = parse_zoho_time("2026-01-06T08:00:00+0300")
        assert parsed is not None
        assert parsed.tzinfo == timezone(timedelta(hours=3))

    @pytest.mark.parametrize("value", [None, "", "  ", "yesterday", 1700000000])
    def test_empty_or_unreadable_values_give_none(self, value: object) -> None:
        """Zoho's empty-string dates and garbage do not raise."""
        assert parse_zoho_time(value) is None
