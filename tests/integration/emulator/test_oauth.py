"""Zoho Accounts as the emulator plays it: the refresh grant, its errors, and tokens that expire."""

from __future__ import annotations

import httpx
import pytest

from tds.emulator.service import Emulator
from tests.integration.emulator.conftest import Books, grant_form


class TestTokenEndpoint:
    async def test_refresh_grant_answers_zoho_token_fields(
        self, client: httpx.AsyncClient, emulator: Emulator
    ) -> None:
        """A good grant gets access_token, api_domain, token_type Bearer and expires_in seconds."""
        reply = await client.post("/oauth/v2/token", data=grant_form(emulator))
        body = reply.json()
        assert reply.status_code == 200
        assert set(body) == {"access_token", "api_domain", "token_type", "expires_in"}
        assert body["access_token"].startswith("1000.")
        assert body["token_type"] == "Bearer"
        assert body["expires_in"] == 3600
        assert body["api_domain"] == "http://emulator"

    async def test_parameters_in_the_query_string_work_too(
        self, client: httpx.AsyncClient, emulator: Emulator
    ) -> None:
        """Zoho's own examples put the grant in the URL; it is accepted."""
        reply = await client.post("/oauth/v2/token", params=grant_form(emulator))
        assert "access_token" in reply.json()

    @pytest.mark.parametrize(
        ("override", "error"),
        [
            ({"refresh_token": "1000.bad.token"}, "invalid_code"),
            ({"client_id": "1000.OTHER"}, "invalid_client"),
            ({"client_secret": "nope"}, "invalid_client_secret"),
            ({"grant_type": "password"}, "unsupported_grant_type"),
        ],
    )
    async def test_errors_come_back_as_http_200_with_an_error_key(
        self, client: httpx.AsyncClient, emulator: Emulator, override: dict[str, str], error: str
    ) -> None:
        """Bad grants answer 200 {"error": ...} with no access_token, as Zoho Accounts does."""
        reply = await client.post("/oauth/v2/token", data=grant_form(emulator, **override))
        assert (reply.status_code, reply.json()) == (200, {"error": error})

    async def test_a_revoked_refresh_token_gets_invalid_code(
        self, client: httpx.AsyncClient, emulator: Emulator, books: Books
    ) -> None:
        """After revocation the same refresh token is refused, and live tokens stop working."""
        assert (await client.post("/__emulator__/tokens/revoke", json={"revoked": True})).status_code == 200
        reply = await client.post("/oauth/v2/token", data=grant_form(emulator))
        assert reply.json() == {"error": "invalid_code"}
        assert (await books.get("/items")).status_code == 401

    async def test_refresh_throttle_answers_access_denied(
        self, client: httpx.AsyncClient, emulator: Emulator
    ) -> None:
        """With a refresh limit set, the next refresh in the minute gets HTTP 400 Access Denied."""
        await client.put("/__emulator__/limits", json={"token_refresh_per_minute": 1})
        assert "access_token" in (await client.post("/oauth/v2/token", data=grant_form(emulator))).json()
        reply = await client.post("/oauth/v2/token", data=grant_form(emulator))
        assert reply.status_code == 400
        assert reply.json()["error"] == "Access Denied"


class TestAccessTokens:
    async def test_missing_header_is_401_code_14(self, client: httpx.AsyncClient, emulator: Emulator) -> None:
        """No Authorization header: HTTP 401, code 14."""
        reply = await client.get(
            "/books/v3/items", params={"organization_id": emulator.options.organization_id}
        )
        assert reply.status_code == 401
        assert reply.json()["code"] == 14

    async def test_unknown_token_is_401_code_57(self, client: httpx.AsyncClient, emulator: Emulator) -> None:
        """A well-formed but unknown token: HTTP 401 with Zoho's code 57 body."""
        stranger = Books(client, "1000.abc.def", emulator.options.organization_id)
        reply = await stranger.get("/items")
        assert reply.status_code == 401
        assert reply.json() == {"code": 57, "message": "You are not authorized to perform this operation"}

    async def test_token_expires_after_its_lifetime(self, books: Books, emulator: Emulator) -> None:
        """A token works until its lifetime passes on the emulator clock, then answers code 57."""
        assert (await books.get("/items")).status_code == 200
        emulator.clock.advance(3601)
        reply = await books.get("/items")
        assert (reply.status_code, reply.json()["code"]) == (401, 57)

    async def test_a_short_lifetime_expires_a_token_mid_run(
        self, client: httpx.AsyncClient, emulator: Emulator
    ) -> None:
        """A configured lifetime is reported in expires_in and enforced."""
        await client.put("/__emulator__/limits", json={"token_lifetime_s": 30})
        grant = (await client.post("/oauth/v2/token", data=grant_form(emulator))).json()
        assert grant["expires_in"] == 30
        books = Books(client, grant["access_token"], emulator.options.organization_id)
        assert (await books.get("/users")).status_code == 200
        await client.post("/__emulator__/clock/advance", json={"seconds": 31})
        assert (await books.get("/users")).status_code == 401

    async def test_expire_all_kills_live_tokens(self, books: Books, client: httpx.AsyncClient) -> None:
        """The control API can expire every token at once."""
        assert (await client.post("/__emulator__/tokens/expire")).json() == {"expired": 1}
        assert (await books.get("/items")).status_code == 401

    async def test_the_31st_token_kills_the_oldest(
        self, client: httpx.AsyncClient, emulator: Emulator
    ) -> None:
        """At most 30 live access tokens per refresh token."""
        tokens = [
            (await client.post("/oauth/v2/token", data=grant_form(emulator))).json()["access_token"]
            for _ in range(31)
        ]
        org = emulator.options.organization_id
        assert (await Books(client, tokens[0], org).get("/users")).status_code == 401
        assert (await Books(client, tokens[1], org).get("/users")).status_code == 200

    async def test_bearer_scheme_is_accepted(
        self, client: httpx.AsyncClient, token: str, emulator: Emulator
    ) -> None:
        """Zoho's gateway also takes `Bearer <token>`."""
        reply = await client.get(
            "/books/v3/users",
            params={"organization_id": emulator.options.organization_id},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert reply.status_code == 200
