"""One Books API call: daily budget, token, pacer, send, then retry or map the failure to an error.

Retried: HTTP 5xx and code 1000, network errors and timeouts (exponential backoff with jitter),
and 429 (Retry-After when sent, else until the minute window frees, growing with each 429), all
within `max_retries`. A 401 refreshes the token once and repeats the call. A 429 whose
X-Rate-Limit-Remaining is 0 means Zoho's daily quota is gone: it fails at once with the reset time,
as does a Retry-After longer than MAX_HONOURED_WAIT_S, so the caller can reschedule instead of sleeping.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from tds.config import ZohoSettings
from tds.errors import ZohoAuthError, ZohoError, ZohoRateLimited, ZohoServerError
from tds.zoho.auth import AccessToken, ZohoAuth
from tds.zoho.clock import Clock
from tds.zoho.datacentres import api_base_url
from tds.zoho.ratelimit import DailyBudget, RateLimiter, backoff_delay
from tds.zoho.responses import (
    RateHeaders,
    ZohoStats,
    error_from,
    is_success,
    parse_retry_after,
    read_rate_headers,
)

log = logging.getLogger(__name__)

MAX_HONOURED_WAIT_S = 300.0


@dataclass(frozen=True)
class Reply:
    """A successful answer: the JSON object when there is one, else the raw content."""

    status: int
    body: dict[str, Any] | None
    content: bytes
    content_type: str


@dataclass(frozen=True)
class _Retry:
    error: ZohoError
    delay_s: float
    rate_limited: bool = False
    cause: BaseException | None = None


@dataclass(frozen=True)
class _Rejected:
    error: ZohoError
    token: AccessToken


@dataclass(frozen=True)
class _Fail:
    error: ZohoError


_Result = Reply | _Retry | _Rejected | _Fail


class Requester:
    """Sends calls for one client; every collaborator is shared by that client's callers."""

    def __init__(
        self,
        settings: ZohoSettings,
        http: httpx.AsyncClient,
        auth: ZohoAuth,
        limiter: RateLimiter,
        budget: DailyBudget,
        clock: Clock,
        *,
        stats: ZohoStats,
        rng: random.Random,
        max_concurrency: int,
    ) -> None:
        self._settings = settings
        self._http = http
        self._auth = auth
        self._limiter = limiter
        self._budget = budget
        self._clock = clock
        self._stats = stats
        self._rng = rng
        self._slots = asyncio.Semaphore(max_concurrency)

    async def send(self, method: str, path: str, params: Mapping[str, str] | None = None) -> Reply:
        """Makes the call, retrying what may pass; raises a ZohoError subclass otherwise."""
        retries = 0
        reauthorised = False
        while True:
            result = await self._attempt(method, path, params or {}, retries)
            if isinstance(result, Reply):
                return result
            if isinstance(result, _Rejected) and not reauthorised:
                reauthorised = True
                await self._auth.refresh_rejected(result.token)
                continue
            if isinstance(result, _Retry) and retries < self._settings.max_retries:
                retries += 1
                await self._pause(result, retries)
                continue
            self._stats.errors += 1
            raise result.error from (result.cause if isinstance(result, _Retry) else None)

    async def _attempt(self, method: str, path: str, params: Mapping[str, str], retries: int) -> _Result:
        await self._budget.spend()
        try:
            token = await self._auth.token()
        except ZohoServerError as exc:
            return _Retry(exc, self._backoff(retries), cause=exc.__cause__)
        await self._limiter.acquire()
        query = {**params, "organization_id": self._settings.organization_id}
        headers = {"Authorization": f"Zoho-oauthtoken {token.value}"}
        url = api_base_url(self._settings, token.api_domain) + path
        self._stats.requests += 1
        try:
            async with self._slots:
                response = await self._http.request(method, url, params=query, headers=headers)
        except httpx.TransportError as exc:
            error = ZohoServerError(
                f"{method} {path}: Zoho Books could not be reached ({type(exc).__name__})"
            )
            return _Retry(error, self._backoff(retries), cause=exc)
        return self._judge(f"{method} {path}", response, token, retries)

    def _judge(self, what: str, response: httpx.Response, token: AccessToken, retries: int) -> _Result:
        rate = read_rate_headers(response.headers)
        self._note_rate(rate)
        body = _json_body(response)
        if is_success(response.status_code, body):
            content_type = response.headers.get("content-type", "")
            return Reply(response.status_code, body, response.content, content_type)
        error = error_from(response.status_code, body, what=what)
        if isinstance(error, ZohoAuthError):
            return _Rejected(error, token)
        if isinstance(error, ZohoRateLimited):
            return self._on_rate_limited(error, response, rate, retries)
        if isinstance(error, ZohoServerError):
            return _Retry(error, self._backoff(retries))
        return _Fail(error)

    def _on_rate_limited(
        self, error: ZohoRateLimited, response: httpx.Response, rate: RateHeaders, retries: int
    ) -> _Result:
        self._stats.rate_limited += 1
        if rate.daily_exhausted:
            message = f"{error.message} (Zoho's daily API limit for the organization is used up)"
            return _Fail(_rate_limited(message, error, rate.reset_s, daily=True))
        wait_s = parse_retry_after(response.headers.get("retry-after"), self._clock.utcnow())
        if wait_s is None:
            backoff_s = backoff_delay(retries, self._rng, base_s=1.0, cap_s=self._limiter.window_s)
            wait_s = max(self._limiter.window_frees_in(), backoff_s)
        if wait_s > MAX_HONOURED_WAIT_S:
            return _Fail(_rate_limited(error.message, error, wait_s))
        return _Retry(_rate_limited(error.message, error, wait_s), wait_s, rate_limited=True)

    async def _pause(self, retry: _Retry, attempt: int) -> None:
        self._stats.retries += 1
        log.warning(
            "%s; retry %d of %d in %.1f s",
            retry.error.message,
            attempt,
            self._settings.max_retries,
            retry.delay_s,
        )
        if retry.rate_limited:
            # Every caller of this client holds back, not only the one that saw the 429.
            self._limiter.defer(retry.delay_s)
        else:
            await self._clock.sleep(retry.delay_s)

    def _backoff(self, retries: int) -> float:
        return backoff_delay(retries, self._rng)

    def _note_rate(self, rate: RateHeaders) -> None:
        if rate.limit is not None:
            self._stats.daily_limit = rate.limit
        if rate.remaining is not None:
            self._stats.daily_remaining = rate.remaining
        if rate.reset_s is not None:
            self._stats.daily_reset_s = rate.reset_s


def _rate_limited(
    message: str, error: ZohoError, retry_after_s: float | None, *, daily: bool = False
) -> ZohoRateLimited:
    return ZohoRateLimited(
        message, retry_after_s=retry_after_s, code=error.code, http_status=error.http_status, daily=daily
    )


def _json_body(response: httpx.Response) -> dict[str, Any] | None:
    looks_json = "json" in response.headers.get("content-type", "") or response.content.lstrip()[:1] == b"{"
    if not looks_json:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None
