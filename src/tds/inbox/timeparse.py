"""Parses Zoho timestamps (`2026-01-06T08:00:00+0300`, offset without a colon) into aware datetimes."""

from __future__ import annotations

from datetime import UTC, datetime


def parse_zoho_time(value: object) -> datetime | None:
    """The instant a Zoho timestamp names; None for empty, missing or unreadable values.

    Zoho writes the organisation's offset without a colon; ISO forms with a colon, `Z`, fractions of
    a second, a space instead of `T` and bare dates are read as well. A value with no offset is
    taken as UTC. Unreadable values give None rather than an error: a record is not refused over
    its timestamp, it only loses version ordering.
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
