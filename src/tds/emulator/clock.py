"""Emulator time: a clock tests can move forward, and Zoho's timestamp and date formats (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

ZOHO_TS_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


class Clock:
    """Wall-clock time plus an offset that `advance` moves (token expiry, rate windows)."""

    def __init__(self, offset_minutes: int = 180) -> None:
        self.zone = timezone(timedelta(minutes=offset_minutes))
        self._shift = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self._shift

    def advance(self, seconds: float) -> None:
        self._shift += timedelta(seconds=seconds)

    def timestamp(self) -> float:
        return self.now().timestamp()

    def local(self, moment: datetime | None = None) -> datetime:
        return (moment or self.now()).astimezone(self.zone)


def format_ts(moment: datetime, zone: timezone) -> str:
    """`2026-01-06T08:00:00+0300`: the organisation's offset, without a colon, whole seconds."""
    return moment.astimezone(zone).replace(microsecond=0).strftime(ZOHO_TS_FORMAT)


def format_date(day: date) -> str:
    return day.strftime("%Y-%m-%d")


def format_display_date(day: date) -> str:
    """The `*_formatted` siblings: display only (`06/01/2026`)."""
    return day.strftime("%d/%m/%Y")


def parse_ts(text: str) -> datetime:
    """Parses a Zoho timestamp (`+0300` or `+03:00`); raises ValueError on anything else."""
    return datetime.strptime(text, ZOHO_TS_FORMAT)


def next_modified(previous: str, now: datetime, zone: timezone) -> str:
    """A `last_modified_time` later than both `previous` and now, so versions always move forward."""
    candidate = now
    if previous:
        floor = parse_ts(previous) + timedelta(seconds=1)
        candidate = max(candidate, floor)
    return format_ts(candidate, zone)
