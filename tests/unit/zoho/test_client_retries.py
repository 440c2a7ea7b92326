"""Tests for retries (5xx, network, 429), the daily budget, error mapping and secret-free logs."""

from __future__ import annotations

import asyncio
import logging
from itertools import pairwise

import httpx
import pytest

from tds.errors import ZohoError, ZohoRateLimited, ZohoServerError
from tests.unit.zoho.fakezoho import CLIENT_SECRET, REFRESH_TOKEN, zoho_json
from tests.unit.zoho.test_ratelimit import most_in_any_window

RATE_LIMITED = {"code": 44, "message": "You have made too many requests. Please try again after some time."}


class TestServerAndNetworkRetries:
    async def test_5xx_is_retried_with_backoff_then_succeeds(self, make_client, fake):
        """Two 503s and then a success return the success, after growing waits."""
        client = make_client(requests_per_minute=60_000)
        fake.api_script.extend([httpx.Response(503), zoho_json(500, {"code": 1000, "message": "Internal"})])
        page = await client.list_page("invoice")
        assert page.records == []
        assert len(fake.api_requests) == 3
        assert client.stats.retries == 2
        first_wait, second_wait = (b - a for a, b in pairwise(fake.api_times))
        assert 0.25 <= first_wait <= 0.5 + 0.001
        assert 0.5 <= second_wait <= 1.0 + 0.001

    @pytest.mark.parametrize(
        "failure", [httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("x")]
    )
    async def test_network_error_is_retried_then_succeeds(self, client, fake, failure):
        """Connection failures and timeouts are retried like a 5xx."""
        fake.api_script.append(failure)
        await client.list_page("invoice")
        assert len(fake.api_requests) == 2
        assert client.stats.retries == 1

    async def test_gives_up_after_max_retries(self, make_client, fake):
        """A server that keeps failing is called 1 + max_retries times, then a ZohoServerError rises."""
        client = make_client(max_retries=2)
        fake.api_script.extend(httpx.Response(502) for _ in range(5))
        with pytest.raises(ZohoServerError) as caught:
            await client.list_page("invoice")
        assert caught.value.http_status == 502
        assert len(fake.api_requests) == 3
        assert client.stats.errors == 1

    async def test_network_give_up_keeps_the_cause(self, make_client, fake):
        """After the last network failure the error chains the transport exception."""
        client = make_client(max_retries=1)
        fake.api_script.extend([httpx.ConnectError("refused"), httpx.ConnectError("refused")])
        with pytest.raises(ZohoServerError, match="could not be reached") as caught:
            await client.list_page("invoice")
        assert isinstance(caught.value.__cause__, httpx.ConnectError)

    async def test_client_errors_are_not_retried(self, client, fake):
        """A 400 is the caller's problem: one call, Zoho's code and message in the error."""
        fake.api_script.append(
            zoho_json(400, {"code": 2, "message": "Invalid value passed for organization_id"})
        )
        with pytest.raises(ZohoError, match="organization_id") as caught:
            await client.list_page("invoice")
        assert type(caught.value) is ZohoError
        assert (caught.value.code, caught.value.http_status) == (2, 400)
        assert len(fake.api_requests) == 1

    async def test_error_code_in_an_http_200_answer_is_an_error(self, client, fake):
        """A non-zero code fails the call even when the HTTP status says 200."""
        fake.api_script.append(zoho_json(200, {"code": 4, "message": "Invalid value passed for page"}))
        with pytest.raises(ZohoError, match="Invalid value passed for page"):
            await client.list_page("invoice")


class TestRateLimitAnswers:
    async def test_retry_after_is_honoured(self, client, fake):
        """A 429 with Retry-After: 7 is retried no sooner than 7 s later."""
        fake.api_script.append(zoho_json(429, RATE_LIMITED, {"Retry-After": "7"}))
        await client.list_page("invoice")
        assert fake.api_times[1] - fake.api_times[0] == pytest.approx(7)
        assert client.stats.rate_limited == 1

    async def test_429_without_retry_after_waits_for_the_minute_window(self, client, fake):
        """With no Retry-After the retry waits until the call that filled the window ages out."""
        fake.api_script.append(zoho_json(429, RATE_LIMITED))
        page = await client.list_page("invoice")
        assert page.records == []
        assert fake.api_times[1] - fake.api_times[0] == pytest.approx(60)
        assert (client.stats.rate_limited, client.stats.retries) == (1, 1)

    async def test_429_holds_back_every_caller(self, make_client, fake):
        """After one caller's 429 the others wait too, instead of hammering Zoho."""
        client = make_client(requests_per_minute=6000)
        fake.api_script.append(zoho_json(429, RATE_LIMITED, {"Retry-After": "30"}))
        await asyncio.gather(*(client.list_page("invoice") for _ in range(5)))
        assert client.stats.rate_limited == 1
        first = fake.api_times[0]
        assert len([t for t in fake.api_times if first < t < first + 30]) == 0

    async def test_spent_daily_quota_fails_at_once(self, client, fake):
        """A 429 with X-Rate-Limit-Remaining: 0 is not retried; it says when the quota resets."""
        headers = {"X-Rate-Limit-Limit": "2000", "X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": "3600"}
        fake.api_script.append(zoho_json(429, RATE_LIMITED, headers))
        with pytest.raises(ZohoRateLimited, match="daily API limit") as caught:
            await client.list_page("invoice")
        assert caught.value.retry_after_s == 3600
        assert len(fake.api_requests) == 1

    async def test_long_retry_after_is_left_to_the_caller(self, client, fake):
        """A Retry-After of an hour is not slept through; the error carries it."""
        fake.api_script.append(zoho_json(429, RATE_LIMITED, {"Retry-After": "3600"}))
        with pytest.raises(ZohoRateLimited) as caught:
            await client.list_page("invoice")
        assert caught.value.retry_after_s == 3600
        assert len(fake.api_requests) == 1

    async def test_rate_limit_headers_are_recorded(self, client, fake):
        """Zoho's daily quota headers show up in the client's stats."""
        headers = {
            "X-Rate-Limit-Limit": "5000",
            "X-Rate-Limit-Remaining": "4321",
            "X-Rate-Limit-Reset": "900",
        }
        body = {"code": 0, "message": "success", "invoices": []}
        fake.api_script.append(zoho_json(200, body, headers))
        await client.list_page("invoice")
        snapshot = client.stats.snapshot()
        assert (snapshot["daily_limit"], snapshot["daily_remaining"], snapshot["daily_reset_s"]) == (
            5000,
            4321,
            900.0,
        )
        assert snapshot["requests"] == 1

    async def test_burst_of_calls_stays_under_the_per_minute_limit(self, client, fake):
        """250 concurrent calls reach Zoho at most 100 in any minute, 0.6 s apart."""
        await asyncio.gather(*(client.list_page("invoice") for _ in range(250)))
        times = sorted(fake.api_times)
        assert len(times) == 250
        assert most_in_any_window(times, 60.0 - 1e-6) <= 100
        assert min(b - a for a, b in pairwise(times)) >= 0.6 - 1e-6


class TestDailyBudget:
    async def test_spent_budget_fails_without_calling_zoho(self, make_client, fake):
        """Once the day's budget is used, calls fail with ZohoRateLimited and nothing is sent."""
        client = make_client(daily_request_budget=3)
        for _ in range(3):
            await client.list_page("invoice")
        with pytest.raises(ZohoRateLimited, match="daily Zoho API budget of 3"):
            await client.list_page("invoice")
        assert len(fake.api_requests) == 3
        usage = await client.budget_usage()
        assert (usage.used, usage.left) == (3, 0)

    async def test_retries_count_against_the_budget(self, make_client, fake):
        """Every attempt sent is a call Zoho counts, so retries spend budget too."""
        client = make_client(daily_request_budget=10)
        fake.api_script.extend([httpx.Response(503), httpx.Response(503)])
        await client.list_page("invoice")
        assert (await client.budget_usage()).used == 3


class TestLogs:
    async def test_no_token_or_secret_reaches_the_logs(self, client, fake, caplog):
        """Refreshes, a rejected token, retries and failures log nothing secret."""
        fake.records["invoice"] = [{"invoice_id": "1"}]
        with caplog.at_level(logging.DEBUG):
            await client.list_page("invoice")
            fake.revoke_tokens()
            fake.api_script.extend([httpx.Response(503), httpx.ConnectError("refused")])
            await client.get("invoice", "1")
            fake.token_script.append(zoho_json(200, {"error": "invalid_code"}))
            fake.revoke_tokens()
            with pytest.raises(ZohoError) as caught:
                await client.list_page("invoice")
        assert len(fake.minted) == 2
        assert caplog.records, "the flow is expected to log"
        logged = "\n".join(
            [record.getMessage() for record in caplog.records]
            + [
                caplog.text,
                str(caught.value),
                repr(caught.value.context),
                *(str(record.exc_info) for record in caplog.records if record.exc_info),
            ]
        )
        for secret in [CLIENT_SECRET, REFRESH_TOKEN, *fake.minted, "SECRET"]:
            assert secret not in logged
