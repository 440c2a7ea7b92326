"""A scriptable stand-in for Zoho's accounts server and Books API, served through httpx.MockTransport."""

from __future__ import annotations

import asyncio
import itertools
from collections import deque
from typing import Any
from urllib.parse import parse_qs

import httpx

from tds.entities import catalog
from tds.zoho.clock import ManualClock

CLIENT_ID = "1000.CLIENTID"
CLIENT_SECRET = "cs-SECRET-client-4242"
REFRESH_TOKEN = "1000.rt-SECRET-refresh-9999"
ORGANIZATION_ID = "10234695"
API_DOMAIN = "https://www.zohoapis.eu"
TOKEN_PATH = "/oauth/v2/token"
BOOKS_PREFIX = "/books/v3"

Answer = httpx.Response | Exception


def zoho_json(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


class FakeZoho:
    """Mints tokens, checks them, serves lists and details, and plays scripted answers first."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.records: dict[str, list[dict[str, Any]]] = {}
        self.token_requests: list[httpx.Request] = []
        self.token_script: deque[Answer] = deque()
        self.api_requests: list[httpx.Request] = []
        self.api_times: list[float] = []
        self.api_script: deque[Answer] = deque()
        self.valid_tokens: set[str] = set()
        self.minted: list[str] = []
        self.token_lifetime_s = 3600
        self.refuse_every_token = False
        self.images: dict[str, bytes] = {}
        self._serial = itertools.count(1)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def revoke_tokens(self) -> None:
        self.valid_tokens.clear()

    async def handle(self, request: httpx.Request) -> httpx.Response:
        # Let concurrent callers interleave as they would over a network.
        for _ in range(3):
            await asyncio.sleep(0)
        if request.url.path == TOKEN_PATH:
            return self._token(request)
        self.api_requests.append(request)
        self.api_times.append(self.clock.monotonic())
        return self._api(request)

    def _token(self, request: httpx.Request) -> httpx.Response:
        self.token_requests.append(request)
        if self.token_script:
            return _play(self.token_script.popleft())
        form = {key: values[0] for key, values in parse_qs(request.content.decode()).items()}
        if form.get("client_id") != CLIENT_ID:
            return zoho_json(200, {"error": "invalid_client"})
        if form.get("refresh_token") != REFRESH_TOKEN or form.get("client_secret") != CLIENT_SECRET:
            return zoho_json(200, {"error": "invalid_code"})
        token = f"1000.at-SECRET-{next(self._serial)}"
        self.minted.append(token)
        self.valid_tokens.add(token)
        body = {
            "access_token": token,
            "api_domain": API_DOMAIN,
            "token_type": "Bearer",
            "expires_in": self.token_lifetime_s,
        }
        return zoho_json(200, body)

    def _api(self, request: httpx.Request) -> httpx.Response:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme != "Zoho-oauthtoken" or token not in self.valid_tokens or self.refuse_every_token:
            return zoho_json(401, {"code": 57, "message": "You are not authorized to perform this operation"})
        if self.api_script:
            return _play(self.api_script.popleft())
        return self._route(request)

    def _route(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix(BOOKS_PREFIX)
        for spec in catalog.ENTITIES:
            if path == spec.list_path:
                return self._list(spec, request)
            if path.startswith(spec.list_path + "/"):
                return self._detail(spec, path.removeprefix(spec.list_path + "/"))
        return zoho_json(404, {"code": 5, "message": "Invalid URL Passed"})

    def _list(self, spec: catalog.EntitySpec, request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        per_page = int(request.url.params.get("per_page", "200"))
        rows = self.records.get(spec.name, [])
        chunk = rows[(page - 1) * per_page : page * per_page]
        context = {"page": page, "per_page": per_page, "has_more_page": page * per_page < len(rows)}
        return zoho_json(
            200, {"code": 0, "message": "success", spec.list_key: chunk, "page_context": context}
        )

    def _detail(self, spec: catalog.EntitySpec, rest: str) -> httpx.Response:
        record_id, _, sub = rest.partition("/")
        if sub == "image" and record_id in self.images:
            return httpx.Response(200, content=self.images[record_id], headers={"content-type": "image/png"})
        for record in self.records.get(spec.name, []):
            if record.get(spec.id_field) == record_id and not sub:
                return zoho_json(200, {"code": 0, "message": "success", spec.detail_key: record})
        message = f"{spec.name.capitalize()} does not exist."
        return zoho_json(404, {"code": 1002, "message": message})


def _play(answer: Answer) -> httpx.Response:
    if isinstance(answer, Exception):
        raise answer
    return answer
