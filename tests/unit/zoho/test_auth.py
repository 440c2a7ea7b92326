"""Tests for the OAuth refresh grant, token caching and refresh under concurrency."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs

import httpx
import pytest

from tds.errors import ZohoAuthError, ZohoRateLimited
from tds.zoho.auth import AccessToken
from tests.unit.zoho.fakezoho import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, zoho_json


class TestRefreshGrant:
    async def test_first_call_refreshes_with_the_four_form_fields(self, client, fake):
        """The refresh grant posts grant_type, client_id, client_secret and refresh_token as a form."""
        await client.list_page("invoice")
        (request,) = fake.token_requests
        assert request.method == "POST"
        assert str(request.url) == "https://accounts.zoho.eu/oauth/v2/token"
        assert request.headers["content-type"] == "application/x-www-form-urlencoded"
        assert parse_qs(request.content.decode()) == {
            "grant_type": ["refresh_token"],
            "client_id": [CLIENT_ID],
            "client_secret": [CLIENT_SECRET],
            "refresh_token": [REFRESH_TOKEN],
        }

    async def test_api_call_carries_zoho_oauthtoken_header_and_goes_to_api_domain(self, client, fake):
        """Calls use `Zoho-oauthtoken <token>` and the api_domain from the token response."""
        await client.list_page("invoice")
        (call,) = fake.api_requests
        assert call.headers["authorization"] == f"Zoho-oauthtoken {fake.minted[0]}"
        assert str(call.url).startswith("https://www.zohoapis.eu/books/v3/invoices?")

    async def test_token_is_cached_between_calls(self, client, fake):
        """Five calls within the hour share one access token."""
        for _ in range(5):
            await client.list_page("invoice")
        assert len(fake.token_requests) == 1
        assert client.stats.token_refreshes == 1

    async def test_token_is_refreshed_five_minutes_before_expiry(self, client, fake, clock):
        """A token is kept until 5 minutes before it expires, then replaced before any call fails."""
        await client.list_page("invoice")
        clock.advance(3600 - 300 - 1)
        await client.list_page("invoice")
        assert len(fake.token_requests) == 1
        clock.advance(2)
        await client.list_page("invoice")
        assert len(fake.token_requests) == 2
        assert fake.api_requests[-1].headers["authorization"] == f"Zoho-oauthtoken {fake.minted[1]}"

    async def test_short_lived_token_is_refreshed_halfway(self, client, fake, clock):
        """A token living less than twice the margin is refreshed at half its life, not on every call."""
        fake.token_lifetime_s = 300
        await client.list_page("invoice")
        clock.advance(149)
        await client.list_page("invoice")
        assert len(fake.token_requests) == 1
        clock.advance(2)
        await client.list_page("invoice")
        assert len(fake.token_requests) == 2


class TestRejectedToken:
    async def test_401_refreshes_once_then_the_call_succeeds(self, client, fake):
        """A token Zoho no longer accepts is replaced and the call repeated, transparently."""
        fake.records["invoice"] = [{"invoice_id": "1"}]
        await client.list_page("invoice")
        fake.revoke_tokens()
        page = await client.list_page("invoice")
        assert page.records == [{"invoice_id": "1"}]
        assert len(fake.token_requests) == 2
        assert [r.headers["authorization"] for r in fake.api_requests[1:]] == [
            f"Zoho-oauthtoken {fake.minted[0]}",
            f"Zoho-oauthtoken {fake.minted[1]}",
        ]

    async def test_401_after_a_fresh_token_is_an_auth_error(self, client, fake):
        """When the new token is refused too (revoked grant, missing scope) the call fails clearly."""
        fake.refuse_every_token = True
        with pytest.raises(ZohoAuthError) as caught:
            await client.list_page("invoice")
        assert caught.value.code == 57
        assert caught.value.http_status == 401
        assert len(fake.token_requests) == 2
        assert len(fake.api_requests) == 2

    async def test_fifty_callers_with_an_expired_token_cause_one_refresh(self, make_client, fake, clock):
        """Concurrent callers wait for a single refresh instead of each minting a token."""
        client = make_client(requests_per_minute=10_000)
        await client.list_page("invoice")
        clock.advance(3600)
        await asyncio.gather(*(client.list_page("invoice") for _ in range(50)))
        assert len(fake.token_requests) == 2
        assert {r.headers["authorization"] for r in fake.api_requests[1:]} == {
            f"Zoho-oauthtoken {fake.minted[1]}"
        }

    async def test_fifty_callers_refused_with_the_same_token_cause_one_refresh(self, make_client, fake):
        """Many 401s for one stale token lead to one refresh, shared by all callers."""
        client = make_client(requests_per_minute=10_000)
        await client.list_page("invoice")
        fake.revoke_tokens()
        await asyncio.gather(*(client.list_page("invoice") for _ in range(50)))
        assert len(fake.token_requests) == 2


class TestTokenErrors:
    async def test_invalid_code_in_an_http_200_body_is_an_auth_error(self, client, fake):
        """Zoho's HTTP 200 {"error": "invalid_code"} is a refused refresh token, not a token."""
        fake.token_script.append(zoho_json(200, {"error": "invalid_code"}))
        with pytest.raises(ZohoAuthError, match="invalid_code"):
            await client.list_page("invoice")
        assert fake.api_requests == []

    async def test_invalid_client_points_at_the_data_centre(self, make_client, fake):
        """An unknown client id (usually the wrong data centre) names the likely cause."""
        client = make_client(client_id="1000.OTHER")
        with pytest.raises(ZohoAuthError, match=r"invalid_client.*data centre") as caught:
            await client.list_page("invoice")
        assert caught.value.context["error"] == "invalid_client"

    async def test_missing_credentials_fail_before_calling_zoho(self, make_client, fake):
        """Without a refresh token nothing is sent and the error names what is missing."""
        client = make_client(refresh_token=None)
        with pytest.raises(ZohoAuthError, match="refresh_token"):
            await client.list_page("invoice")
        assert fake.token_requests == []

    async def test_throttled_refresh_is_a_rate_limit(self, client, fake):
        """Zoho's "Access Denied" refresh throttle asks the caller to wait, it is not bad credentials."""
        fake.token_script.append(zoho_json(400, {"error": "Access Denied", "status": "failure"}))
        with pytest.raises(ZohoRateLimited) as caught:
            await client.list_page("invoice")
        assert caught.value.retry_after_s == 60

    async def test_accounts_server_failure_is_retried(self, client, fake):
        """A 5xx or network error at the accounts server is retried like an API failure."""
        fake.token_script.extend([httpx.ConnectError("refused"), httpx.Response(502)])
        await client.list_page("invoice")
        assert len(fake.token_requests) == 3
        assert client.stats.retries == 2

    async def test_token_value_stays_out_of_repr(self):
        """An AccessToken's repr shows its domain and times but never its value."""
        token = AccessToken("1000.at-SECRET-x", "https://www.zohoapis.eu", 1.0, 2.0)
        assert "SECRET" not in repr(token)
