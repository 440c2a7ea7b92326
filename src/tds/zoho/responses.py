"""Reading Zoho answers: error-code mapping, Retry-After, X-Rate-Limit-* headers and call counters (pure).

Only codes 0, 14, 57, 1000 and 1002 are trusted (rest-conventions.md §7); everything else is read
from the HTTP status. Code 5 ("Invalid URL Passed", HTTP 404) is a wrong path, not a missing record,
so it is a plain ZohoError: deletion detection must never mistake a bad URL for a deleted record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

from tds.errors import ZohoAuthError, ZohoError, ZohoNotFound, ZohoRateLimited, ZohoServerError

SUCCESS_CODE = 0
INVALID_URL_CODE = 5
AUTH_CODES = frozenset({14, 57})
INTERNAL_ERROR_CODE = 1000
NOT_FOUND_CODE = 1002


@dataclass
class ZohoStats:
    """Counters of one client's traffic, for the pull sync and metrics to read."""

    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    token_refreshes: int = 0
    errors: int = 0
    daily_limit: int | None = None
    daily_remaining: int | None = None
    daily_reset_s: float | None = None

    def snapshot(self) -> dict[str, int | float | None]:
        return asdict(self)


@dataclass(frozen=True)
class RateHeaders:
    """Zoho's view of the org's daily quota (X-Rate-Limit-Limit / -Remaining / -Reset seconds)."""

    limit: int | None
    remaining: int | None
    reset_s: float | None

    @property
    def daily_exhausted(self) -> bool:
        return self.remaining is not None and self.remaining <= 0


def read_rate_headers(headers: Mapping[str, str]) -> RateHeaders:
    lowered = {key.lower(): value for key, value in headers.items()}
    return RateHeaders(
        limit=_to_int(lowered.get("x-rate-limit-limit")),
        remaining=_to_int(lowered.get("x-rate-limit-remaining")),
        reset_s=_to_float(lowered.get("x-rate-limit-reset")),
    )


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date); None when absent."""
    if not value:
        return None
    seconds = _to_float(value)
    if seconds is not None:
        return max(0.0, seconds)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - now).total_seconds())


def error_from(status: int, body: Mapping[str, Any] | None, *, what: str) -> ZohoError:
    """The ZohoError subclass for an answer that is not a success, carrying code and message."""
    code = _to_int(body.get("code")) if body else None
    message = str(body.get("message") or "") if body else ""
    text = f"{what}: {message or f'HTTP {status}'}"
    if code in AUTH_CODES or status == 401:
        return ZohoAuthError(text, code=code, http_status=status)
    if code == NOT_FOUND_CODE or (status == 404 and code != INVALID_URL_CODE):
        return ZohoNotFound(text, code=code, http_status=status)
    if status == 429:
        return ZohoRateLimited(text, code=code, http_status=status)
    if status >= 500 or code == INTERNAL_ERROR_CODE:
        return ZohoServerError(text, code=code, http_status=status)
    return ZohoError(text, code=code, http_status=status)


def is_success(status: int, body: Mapping[str, Any] | None) -> bool:
    if status >= 400:
        return False
    return body is None or _to_int(body.get("code")) in (SUCCESS_CODE, None)


def _to_int(value: object) -> int | None:
    try:
        return int(str(value)) if value is not None else None
    except ValueError:
        return None


def _to_float(value: object) -> float | None:
    try:
        return float(str(value)) if value is not None else None
    except ValueError:
        return None
