"""Zoho OAuth: the refresh-token grant, a cached access token, and one refresh at a time.

The token is refreshed `refresh_margin_s` (5 minutes) before it expires, or at most halfway through
its life for short-lived tokens, and again when the API rejects it (401). An asyncio.Lock keeps
concurrent callers to a single refresh: Zoho allows only 30 live access tokens per refresh token
and throttles refreshes. Zoho answers most OAuth errors with HTTP 200 and `{"error": ...}`, so the
body is checked for `error` before the token is read. Tokens and secrets are never logged.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from tds.config import ZohoSettings
from tds.errors import ZohoAuthError, ZohoError, ZohoRateLimited, ZohoServerError
from tds.zoho.clock import Clock
from tds.zoho.datacentres import token_url
from tds.zoho.responses import ZohoStats

log = logging.getLogger(__name__)

DEFAULT_EXPIRES_IN_S = 3600
# Zoho Accounts throttles refreshes with this `error` value; waiting minutes is the known cure.
THROTTLED_ERROR = "Access Denied"
THROTTLED_WAIT_S = 60.0
_HINTS = {
    "invalid_code": "the refresh token is invalid or revoked",
    "invalid_client": "the client id is unknown in this data centre (check data_centre / accounts_url)",
    "invalid_client_secret": "the client secret is wrong",
}


class TokenObserver(Protocol):
    """Told of every refresh's outcome (the token-refresh alert and health read what it records)."""

    async def refreshed(self) -> None: ...

    async def refresh_failed(self, error: str) -> None: ...


@dataclass(frozen=True)
class AccessToken:
    """A Books access token with the API domain it belongs to; its value never shows in a repr."""

    value: str = field(repr=False)
    api_domain: str | None
    refresh_at: float
    expires_at: float


class ZohoAuth:
    """Hands out a valid access token, refreshing it when it is due or was rejected."""

    def __init__(
        self,
        settings: ZohoSettings,
        http: httpx.AsyncClient,
        clock: Clock,
        *,
        stats: ZohoStats | None = None,
        refresh_margin_s: float = 300.0,
        observer: TokenObserver | None = None,
    ) -> None:
        self._settings = settings
        self._http = http
        self._clock = clock
        self._stats = stats or ZohoStats()
        self._margin_s = refresh_margin_s
        self._lock = asyncio.Lock()
        self._token: AccessToken | None = None
        self._observer = observer

    async def token(self) -> AccessToken:
        """The cached token, or a fresh one when it is missing or due for refresh."""
        current = self._token
        if current is not None and self._usable(current):
            return current
        async with self._lock:
            current = self._token
            if current is not None and self._usable(current):
                return current
            return await self._refresh()

    async def refresh_rejected(self, rejected: AccessToken) -> AccessToken:
        """A new token after the API refused `rejected`; callers that raced here share one refresh."""
        async with self._lock:
            current = self._token
            if current is not None and current is not rejected and self._usable(current):
                return current
            return await self._refresh()

    def _usable(self, token: AccessToken) -> bool:
        return self._clock.monotonic() < token.refresh_at

    async def _refresh(self) -> AccessToken:
        try:
            token = await self._request_token()
        except ZohoError as exc:
            await self._observe(exc.message)
            raise
        await self._observe(None)
        return token

    async def _observe(self, error: str | None) -> None:
        if self._observer is None:
            return
        try:
            if error is None:
                await self._observer.refreshed()
            else:
                await self._observer.refresh_failed(error)
        except Exception as exc:  # recording the outcome must never break the refresh itself
            log.warning("could not record the token refresh outcome: %s: %s", type(exc).__name__, exc)

    async def _request_token(self) -> AccessToken:
        form = self._grant_form()
        try:
            response = await self._http.post(token_url(self._settings), data=form)
        except httpx.TransportError as exc:
            raise ZohoServerError(
                f"the Zoho accounts server could not be reached ({type(exc).__name__})"
            ) from exc
        self._stats.token_refreshes += 1
        token = self._read_token(response)
        self._token = token
        log.info("Zoho access token refreshed; valid for %.0f s", token.expires_at - self._clock.monotonic())
        return token

    def _grant_form(self) -> dict[str, str]:
        settings = self._settings
        secret, refresh = settings.client_secret, settings.refresh_token
        form = {
            "grant_type": "refresh_token",
            "client_id": settings.client_id,
            "client_secret": secret.get_secret_value() if secret else "",
            "refresh_token": refresh.get_secret_value() if refresh else "",
        }
        missing = [name for name, value in form.items() if not value]
        if missing:
            raise ZohoAuthError(f"Zoho credentials are not configured: {', '.join(missing)}", missing=missing)
        return form

    def _read_token(self, response: httpx.Response) -> AccessToken:
        if response.status_code >= 500:
            raise ZohoServerError(
                f"the Zoho accounts server failed (HTTP {response.status_code})",
                http_status=response.status_code,
            )
        body = _json_object(response)
        error = body.get("error")
        if error:
            raise _oauth_error(str(error), response.status_code)
        value = body.get("access_token")
        if response.status_code != 200 or not isinstance(value, str) or not value:
            raise ZohoAuthError(
                f"the Zoho token endpoint gave no access token (HTTP {response.status_code})",
                http_status=response.status_code,
            )
        return self._new_token(value, body)

    def _new_token(self, value: str, body: dict[str, Any]) -> AccessToken:
        try:
            lifetime_s = float(body.get("expires_in") or DEFAULT_EXPIRES_IN_S)
        except (TypeError, ValueError):
            lifetime_s = DEFAULT_EXPIRES_IN_S
        now = self._clock.monotonic()
        margin_s = min(self._margin_s, lifetime_s / 2)
        domain = body.get("api_domain")
        return AccessToken(
            value=value,
            api_domain=domain if isinstance(domain, str) and domain else None,
            refresh_at=now + lifetime_s - margin_s,
            expires_at=now + lifetime_s,
        )


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ZohoAuthError(
            f"the Zoho token endpoint answered without JSON (HTTP {response.status_code})",
            http_status=response.status_code,
        )
    return body


def _oauth_error(error: str, status: int) -> ZohoAuthError | ZohoRateLimited:
    if error == THROTTLED_ERROR:
        return ZohoRateLimited(
            "Zoho throttled the token refresh (Access Denied)",
            retry_after_s=THROTTLED_WAIT_S,
            http_status=status,
        )
    hint = _HINTS.get(error, "the token refresh was refused")
    return ZohoAuthError(f"Zoho refused the token refresh: {error} ({hint})", http_status=status, error=error)
