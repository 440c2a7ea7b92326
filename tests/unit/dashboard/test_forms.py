"""The dashboard's form fields: times, queue filters, and the inbox replay a queue filter stands for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from tds.dashboard.forms import InvalidInput, job_filter, parse_time, replay_filter
from tds.queue.service import InvalidQueueRequest


def test_a_datetime_local_value_is_read_as_utc_and_an_offset_is_kept() -> None:
    """`2026-12-01T10:30` is UTC; `+03:00` stays; blank is no bound."""
    assert parse_time("2026-12-01T10:30", "since") == datetime(2026, 12, 1, 10, 30, tzinfo=UTC)
    plus3 = parse_time("2026-12-01T10:30+03:00", "since")
    assert plus3 == datetime(2026, 12, 1, 10, 30, tzinfo=timezone(timedelta(hours=3)))
    assert parse_time("  ", "since") is None


def test_a_bad_time_names_its_field() -> None:
    with pytest.raises(InvalidInput, match="until must be a date and time"):
        parse_time("yesterday", "until")


def test_filters_take_entity_aliases_and_refuse_unknown_values() -> None:
    """`products` is the item entity; an unknown status or entity is a 400, not an empty page."""
    assert job_filter("products", "dead", "", "").entity == "item"
    with pytest.raises(InvalidInput, match="status must be one of"):
        job_filter(None, "exploded", None, None)
    with pytest.raises(InvalidQueueRequest):
        job_filter("gadgets", None, None, None)


def test_a_queue_filter_maps_to_the_inbox_replay_of_the_same_events() -> None:
    """Dead jobs are failed events, succeeded ones processed; processing jobs cannot be bulk-replayed."""
    where = replay_filter(job_filter("item", "dead", "2026-12-01T00:00", ""))
    assert (where.entity, where.status, where.since) == ("item", "failed", datetime(2026, 12, 1, tzinfo=UTC))
    assert replay_filter(job_filter(None, "succeeded", None, None)).status == "processed"
    with pytest.raises(InvalidInput, match="bulk replay needs"):
        replay_filter(job_filter(None, "processing", None, None))
