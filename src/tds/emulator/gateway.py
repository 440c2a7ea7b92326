"""The request pipeline in front of the Books API and the token endpoint.

Order per API call: concurrency slot, latency, injected 5xx/hang, `Authorization` (401 code 14
or 57), `organization_id` (400 code 2), per-minute and daily budget (429 code 44), the resource
itself (404 code 1002 / 5, 405 code 37), then injected broken bodies. Every API answer carries
the `X-Rate-Limit-*` daily quota headers.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from tds.emulator.auth import TokenCheck, TokenIssuer
from tds.emulator.books import BooksApi
from tds.emulator.faults import ANY_ANSWER, BEFORE, LIST_ONLY, FaultInjector, FaultRule
from tds.emulator.limits import RateLimiter
from tds.emulator.options import EmulatorOptions
from tds.emulator.responses import (
    BAD_ORG,
    INTERNAL,
    JSON_TYPE,
    NO_AUTH,
    NOT_AUTHORIZED,
    TOO_MANY,
    ZohoAnswer,
    dump,
    json_response,
)

_ID_SEGMENT = re.compile(r"/\d+")
_ENVELOPE_KEYS = frozenset({"code", "message", "page_context"})
_GATEWAY_PAGE = "<html><head><title>{0}</title></head><body><h1>{0}</h1></body></html>"
_GATEWAY_TITLES = {502: "502 Bad Gateway", 503: "503 Service Unavailable", 504: "504 Gateway Timeout"}


class Gateway:
    """Runs each request through auth, limits and faults before the Books resources answer it."""

    def __init__(
        self,
        books: BooksApi,
        tokens: TokenIssuer,
        limiter: RateLimiter,
        faults: FaultInjector,
        options: EmulatorOptions,
    ) -> None:
        self.books = books
        self.tokens = tokens
        self.limiter = limiter
        self.faults = faults
        self.options = options
        self.calls: Counter[str] = Counter()
        self.statuses: Counter[int] = Counter()

    async def api(self, request: Request, path: str) -> Response:
        """Answers one `/books/v3/{path}` request."""
        self.calls[_route_label(request.method, path)] += 1
        if not self.limiter.enter():
            return self._count(self._too_many())
        try:
            return self._count(await self._api(request, path))
        finally:
            self.limiter.leave()

    async def _api(self, request: Request, path: str) -> Response:
        if self.options.latency_s > 0:
            await asyncio.sleep(self.options.latency_s)
        early = await self._before(request.url.path)
        if early is not None:
            return early
        try:
            self._authorise(request, path)
            if self.limiter.admit() is not None:
                return self._too_many()
            image = self.books.image(request.method, path)
            if image is not None:
                return Response(image, media_type="image/png", headers=self.limiter.headers())
            body, is_list = self.books.answer(request.method, path, request.query_params)
        except ZohoAnswer as answer:
            return json_response(answer.http_status, answer.body(), self.limiter.headers())
        return self._after(request.url.path, body, is_list)

    async def token(self, request: Request) -> Response:
        """`POST /oauth/v2/token`: parameters from the query string or the form body."""
        early = await self._before(request.url.path)
        if early is not None:
            return early
        params = dict(request.query_params)
        if request.method == "POST":
            form = await request.form()
            params.update({k: v for k, v in form.items() if isinstance(v, str)})
        status, body = self.tokens.grant(params, str(request.base_url).rstrip("/"))
        return json_response(status, body)

    def _authorise(self, request: Request, path: str) -> None:
        check = self.tokens.check(request.headers.get("authorization"))
        if check is TokenCheck.MISSING:
            raise ZohoAnswer.of(401, NO_AUTH)
        if check is TokenCheck.INVALID:
            raise ZohoAnswer.of(401, NOT_AUTHORIZED)
        organization = request.query_params.get("organization_id")
        if self.books.needs_organization(path) and organization != self.options.organization_id:
            raise ZohoAnswer.of(400, BAD_ORG)

    async def _before(self, path: str) -> Response | None:
        rule = self.faults.take(path, BEFORE)
        if rule is None:
            return None
        if rule.kind == "timeout":
            await asyncio.sleep(rule.delay_s)
            return None
        return _server_error(rule)

    def _after(self, path: str, body: dict[str, Any], is_list: bool) -> Response:
        rule = self.faults.take(path, LIST_ONLY | ANY_ANSWER if is_list else ANY_ANSWER)
        headers = self.limiter.headers()
        if rule is None:
            return json_response(200, body, headers)
        if rule.kind == "invalid_json":
            data = dump(body)
            return Response(data[: len(data) // 2], 200, headers=headers, media_type=JSON_TYPE)
        if rule.kind == "malformed_page":
            body = {k: v for k, v in body.items() if k in _ENVELOPE_KEYS}
        else:  # lying_page
            context = body["page_context"] = dict(body["page_context"])
            context["has_more_page"] = not context["has_more_page"]
        return json_response(200, body, headers)

    def _too_many(self) -> Response:
        body = {"code": TOO_MANY[0], "message": TOO_MANY[1]}
        return json_response(429, body, self.limiter.refusal_headers())

    def _count(self, response: Response) -> Response:
        self.statuses[response.status_code] += 1
        return response


def _route_label(method: str, path: str) -> str:
    """`GET /invoices/{id}`: calls counted per route, ids folded."""
    return f"{method} " + _ID_SEGMENT.sub("/{id}", "/" + path.strip("/"))


def _server_error(rule: FaultRule) -> Response:
    if rule.status in _GATEWAY_TITLES:
        page = _GATEWAY_PAGE.format(_GATEWAY_TITLES[rule.status])
        return Response(page, rule.status, media_type="text/html")
    return json_response(rule.status, {"code": INTERNAL[0], "message": INTERNAL[1]})
