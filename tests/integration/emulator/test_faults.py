"""Injected faults: 5xx answers, hangs past the client's timeout, broken JSON and lying pages."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest

from tds.emulator.app import create_app
from tds.emulator.service import Emulator
from tests.integration.emulator.conftest import Books, grant_form, serve


async def add_fault(client: httpx.AsyncClient, **rule: Any) -> None:
    reply = await client.post("/__emulator__/faults", json=rule)
    assert reply.status_code == 201


async def test_server_error_hits_the_next_n_requests_only(books: Books, client: httpx.AsyncClient) -> None:
    """count=2: two answers of 500 code 1000, then normal service."""
    await add_fault(client, kind="server_error", count=2)
    replies = [await books.get("/items") for _ in range(3)]
    assert [r.status_code for r in replies] == [500, 500, 200]
    assert replies[0].json() == {"code": 1000, "message": "Internal error"}


async def test_gateway_errors_are_html_pages(books: Books, client: httpx.AsyncClient) -> None:
    """502/503/504 come back as gateway HTML, not Zoho JSON."""
    await add_fault(client, kind="server_error", count=1, status=503)
    reply = await books.get("/items")
    assert reply.status_code == 503
    assert reply.headers["content-type"].startswith("text/html")
    with pytest.raises(json.JSONDecodeError):
        reply.json()


async def test_path_prefix_limits_a_fault_to_matching_requests(
    books: Books, client: httpx.AsyncClient
) -> None:
    """A rule for /books/v3/invoices leaves items alone."""
    await add_fault(client, kind="server_error", count=1, path_prefix="/books/v3/invoices")
    assert (await books.get("/items")).status_code == 200
    assert (await books.get("/invoices")).status_code == 500


async def test_token_endpoint_faults(client: httpx.AsyncClient, emulator: Emulator) -> None:
    """Faults can target Zoho Accounts too."""
    await add_fault(client, kind="server_error", count=1, path_prefix="/oauth")
    assert (await client.post("/oauth/v2/token", data=grant_form(emulator))).status_code == 500
    assert (await client.post("/oauth/v2/token", data=grant_form(emulator))).status_code == 200


async def test_invalid_json_is_a_200_with_a_cut_body(books: Books, client: httpx.AsyncClient) -> None:
    """invalid_json answers 200 whose JSON does not parse."""
    await add_fault(client, kind="invalid_json", count=1)
    reply = await books.get("/items/1")  # even error answers stay intact: this one is a 404
    assert reply.status_code == 404
    reply = await books.get("/items")
    assert reply.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        reply.json()


async def test_malformed_page_lacks_its_list_key(books: Books, client: httpx.AsyncClient) -> None:
    """malformed_page keeps the envelope but drops the records."""
    await add_fault(client, kind="malformed_page", count=1)
    body = (await books.get("/invoices")).json()
    assert body["code"] == 0
    assert "invoices" not in body
    assert "page_context" in body


async def test_lying_page_flips_has_more_page(books: Books, client: httpx.AsyncClient) -> None:
    """The last page claims more; the page after it is empty and honest."""
    await add_fault(client, kind="lying_page", count=1)
    lie = (await books.get("/invoices", per_page=200)).json()
    assert lie["page_context"]["has_more_page"] is True
    assert len(lie["invoices"]) == 45
    after = (await books.get("/invoices", per_page=200, page=2)).json()
    assert (after["invoices"], after["page_context"]["has_more_page"]) == ([], False)


async def test_lying_page_can_also_hide_more_pages(books: Books, client: httpx.AsyncClient) -> None:
    """On a page with more to come, the lie says there is nothing more."""
    await add_fault(client, kind="lying_page", count=1)
    body = (await books.get("/invoices", per_page=10)).json()
    assert body["page_context"]["has_more_page"] is False


async def test_latency_slows_every_call(books: Books, client: httpx.AsyncClient) -> None:
    """Configured latency is added to each API call."""
    await client.put("/__emulator__/limits", json={"latency_s": 0.15})
    started = time.perf_counter()
    await books.get("/users")
    assert time.perf_counter() - started >= 0.15


async def test_timeout_fault_outlasts_the_clients_timeout(emulator: Emulator) -> None:
    """Over real HTTP, a hanging answer makes the client time out; the next call is served."""
    async with serve(create_app(emulator)) as base, httpx.AsyncClient(base_url=base, timeout=0.3) as http:
        token = (await http.post("/oauth/v2/token", data=grant_form(emulator))).json()["access_token"]
        books = Books(http, token, emulator.options.organization_id)
        await add_fault(http, kind="timeout", count=1, delay_s=0.8)
        with pytest.raises(httpx.ReadTimeout):
            await books.get("/users")
        assert (await books.get("/users")).status_code == 200
