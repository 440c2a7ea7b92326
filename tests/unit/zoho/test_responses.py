"""Tests for mapping Zoho answers to errors and reading Retry-After and X-Rate-Limit-* headers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tds.errors import ZohoAuthError, ZohoError, ZohoNotFound, ZohoRateLimited, ZohoServerError
from tds.zoho.responses import error_from, is_success, parse_retry_after, read_rate_headers

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


class TestErrorMapping:
    @pytest.mark.parametrize(
        ("status", "code", "expected"),
        [
            (401, 57, ZohoAuthError),
            (401, 14, ZohoAuthError),
            (401, None, ZohoAuthError),
            (404, 1002, ZohoNotFound),
            (400, 1002, ZohoNotFound),
            (404, None, ZohoNotFound),
            (429, 44, ZohoRateLimited),
            (500, 1000, ZohoServerError),
            (503, None, ZohoServerError),
            (200, 1000, ZohoServerError),
        ],
    )
    def test_status_and_code_pick_the_error_class(self, status, code, expected):
        """Each known Zoho failure becomes its own error class."""
        body = {"code": code, "message": "m"} if code is not None else None
        assert type(error_from(status, body, what="GET /invoices")) is expected

    def test_invalid_url_is_not_a_missing_record(self):
        """Code 5 on a 404 is a wrong path: a plain ZohoError, never mistaken for a deletion."""
        error = error_from(404, {"code": 5, "message": "Invalid URL Passed"}, what="GET /itemz/1")
        assert type(error) is ZohoError

    def test_error_carries_code_message_and_status(self):
        """The caller sees Zoho's code, its message and the HTTP status."""
        body = {"code": 2, "message": "Invalid value passed for organization_id"}
        error = error_from(400, body, what="GET /invoices")
        assert type(error) is ZohoError
        assert (error.code, error.http_status) == (2, 400)
        assert error.message == "GET /invoices: Invalid value passed for organization_id"

    def test_answer_without_a_body_names_the_status(self):
        """A bare error answer still says what failed."""
        assert error_from(502, None, what="GET /items").message == "GET /items: HTTP 502"

    @pytest.mark.parametrize(
        ("status", "body", "ok"),
        [
            (200, {"code": 0, "message": "success"}, True),
            (201, {"code": 0}, True),
            (200, None, True),
            (200, {"code": 1002, "message": "x"}, False),
            (404, None, False),
        ],
    )
    def test_success_needs_a_good_status_and_code_zero(self, status, body, ok):
        """Code 0 (or a non-JSON 2xx) is success; a non-zero code fails even with HTTP 200."""
        assert is_success(status, body) is ok


class TestHeaders:
    def test_retry_after_in_seconds(self):
        """Retry-After given as seconds is read as is."""
        assert parse_retry_after("7", NOW) == 7

    def test_retry_after_as_http_date(self):
        """Retry-After given as an HTTP date is turned into seconds from now."""
        assert parse_retry_after("Sun, 01 Mar 2026 12:00:30 GMT", NOW) == 30

    @pytest.mark.parametrize("value", [None, "", "soon"])
    def test_missing_or_unreadable_retry_after_is_none(self, value):
        """No usable Retry-After leaves the wait to the client's own backoff."""
        assert parse_retry_after(value, NOW) is None

    def test_rate_limit_headers_describe_the_daily_quota(self):
        """X-Rate-Limit-* headers are read whatever their case, and 0 remaining means the day is spent."""
        rate = read_rate_headers(
            {"X-Rate-Limit-Limit": "7500", "x-rate-limit-remaining": "0", "X-RATE-LIMIT-RESET": "34881"}
        )
        assert (rate.limit, rate.remaining, rate.reset_s) == (7500, 0, 34881.0)
        assert rate.daily_exhausted
        assert not read_rate_headers({}).daily_exhausted
