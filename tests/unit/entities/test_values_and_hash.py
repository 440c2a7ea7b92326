"""Zoho value parsing and the content hash of mapped rows."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from tds.entities.mapping import content_hash, map_record, to_json
from tds.entities.mapping import values as v
from tds.errors import PermanentHandlerError
from tests import zoho_samples as z


class TestValues:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("2026-01-06T08:00:00+0300", datetime(2026, 1, 6, 5, tzinfo=UTC)),
            ("2025-04-09T11:25:54-0400", datetime(2025, 4, 9, 15, 25, 54, tzinfo=UTC)),
            ("2026-01-06T08:00:00+03:00", datetime(2026, 1, 6, 5, tzinfo=UTC)),
            ("2026-01-06T08:00:00Z", datetime(2026, 1, 6, 8, tzinfo=UTC)),
            ("2026-01-06T08:00:00", datetime(2026, 1, 6, 8, tzinfo=UTC)),
            ("", None),
            (" ", None),
            (None, None),
        ],
    )
    def test_timestamps_become_aware_utc(self, raw, expected):
        """Offsets with or without a colon; empty spellings are None; naive is read as UTC."""
        parsed = v.timestamp(raw, "last_modified_time")
        assert parsed == expected
        assert parsed is None or parsed.tzinfo is UTC

    @pytest.mark.parametrize("raw", ["yesterday", "2026-13-45T00:00:00+0300", 1736150400, True])
    def test_unreadable_timestamp_is_refused_naming_the_field(self, raw):
        """A mapping refuses a timestamp it cannot read (intake only loses ordering for it)."""
        with pytest.raises(PermanentHandlerError, match="last_modified_time"):
            v.timestamp(raw, "last_modified_time")

    def test_dates(self):
        assert v.day("2026-01-05", "date") == date(2026, 1, 5)
        assert v.day("2026-01-05T10:00:00+0300", "date") == date(2026, 1, 5)
        assert v.day("", "date") is None

    @pytest.mark.parametrize(
        ("raw", "expected"),
        [(40.6, "40.6"), (1, "1"), ("25", "25"), ("1,234.50", "1234.5"), (0.1 + 0.2, "0.3"), (-3, "-3")],
    )
    def test_money_is_decimal_at_column_scale(self, raw, expected):
        assert v.money(raw, "rate") == Decimal(expected)
        assert v.money(raw, "rate").as_tuple().exponent == -6

    @pytest.mark.parametrize("raw", ["abc", "NaN", True, [], {"a": 1}, "Infinity"])
    def test_money_refuses_what_is_not_a_number(self, raw):
        with pytest.raises(PermanentHandlerError) as caught:
            v.money(raw, "rate")
        assert caught.value.context["field"] == "rate"

    def test_ids_from_numbers_and_strings(self):
        assert v.ident(4600000000100001, "item_id") == "4600000000100001"
        assert v.ident(" 46 ", "item_id") == "46"
        assert v.ident(46.0, "item_id") == "46"
        assert v.ident("", "item_id") is None
        with pytest.raises(PermanentHandlerError):
            v.ident(True, "item_id")

    def test_flags_and_integers(self):
        assert v.flag("false", "is_default") is False
        assert v.flag(True, "is_default") is True
        assert v.integer("30", "payment_terms") == 30
        with pytest.raises(PermanentHandlerError):
            v.integer(2.5, "payment_terms")

    def test_custom_fields_array_wins_over_hash(self):
        merged = v.custom_fields(
            [{"api_name": "cf_a", "value": "array"}, {"label": "Only label", "value": 3}],
            {"cf_a": "hash", "cf_b": "1,000", "cf_b_unformatted": 1000},
        )
        assert merged == {"cf_a": "array", "cf_b": 1000, "Only label": 3}
        assert v.custom_fields([], {}) is None


class TestContentHash:
    def test_same_record_same_hash(self):
        """Mapping the same record twice gives the same hash."""
        a, b = map_record("invoice", z.detail("invoice")), map_record("invoice", z.detail("invoice"))
        assert content_hash(a.row, a.children) == content_hash(b.row, b.children)

    def test_key_order_decimal_scale_and_offsets_do_not_matter(self):
        """What comes back from PostgreSQL (40.600000, UTC) hashes like what was mapped."""
        mapped = {
            "total": Decimal("40.6"),
            "at": datetime(2026, 1, 6, 8, tzinfo=timezone(timedelta(hours=3))),
        }
        stored = {"at": datetime(2026, 1, 6, 5, tzinfo=UTC), "total": Decimal("40.600000")}
        assert content_hash(mapped, {}) == content_hash(stored, {})
        assert content_hash({"n": Decimal("100")}, {}) == content_hash({"n": Decimal("1E+2")}, {})

    def test_any_change_changes_the_hash(self):
        record = map_record("invoice", z.detail("invoice"))
        changed = map_record("invoice", z.detail("invoice", total=122.49))
        assert content_hash(record.row, record.children) != content_hash(changed.row, changed.children)
        lines = z.detail("invoice")
        lines["line_items"][1]["quantity"] = 3
        relined = map_record("invoice", lines)
        assert content_hash(record.row, record.children) != content_hash(relined.row, relined.children)

    def test_missing_children_hash_unlike_empty_children(self):
        """`line_items` absent (keep the stored lines) is not the same content as no lines."""
        assert content_hash({}, {"invoice_lines": None}) != content_hash({}, {"invoice_lines": []})

    def test_the_hash_is_a_sha256_hex_digest(self):
        digest = content_hash({"a": "ب"}, {})
        assert len(digest) == 64
        assert int(digest, 16) >= 0

    def test_json_text_spells_decimals_dates_and_times(self):
        value = {"d": date(2026, 1, 5), "t": datetime(2026, 1, 6, 5, tzinfo=UTC), "m": Decimal("1.500000")}
        assert json.loads(to_json(value)) == {"d": "2026-01-05", "t": "2026-01-06T05:00:00+00:00", "m": "1.5"}

    def test_integers_beyond_64_bits_still_serialise(self):
        """orjson refuses them; a 20-digit id sent as a bare number must not fail the batch."""
        assert json.loads(to_json({"id": 10**20, "name": "ب"})) == {"id": 10**20, "name": "ب"}
        assert content_hash({"id": 10**20}, {}) != content_hash({"id": 10**20 + 1}, {})
