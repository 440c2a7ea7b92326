"""Zoho Accounts for one client: the refresh-token grant, access tokens that expire, the API check."""

from __future__ import annotations

import secrets
from collections import OrderedDict, deque
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from tds.emulator.clock import Clock
from tds.emulator.options import EmulatorOptions

_THROTTLED = {
    "error_description": "You have made too many requests continuously. Please try again after some time.",
    "error": "Access Denied",
    "status": "failure",
}


class TokenCheck(StrEnum):
    OK = "ok"
    MISSING = "missing"  # no or garbled Authorization header: code 14
    INVALID = "invalid"  # unknown, expired or revoked token: code 57


class TokenIssuer:
    """Mints access tokens for the one configured client and refresh token, and checks them."""

    def __init__(self, options: EmulatorOptions, clock: Clock) -> None:
        self.options = options
        self.clock = clock
        self.revoked = False
        self.issued_total = 0
        self._live: OrderedDict[str, float] = OrderedDict()  # token -> expiry (epoch seconds)
        self._recent: deque[float] = deque()

    def grant(self, params: Mapping[str, str], api_domain: str) -> tuple[int, dict[str, Any]]:
        """Answers `POST /oauth/v2/token`: HTTP 200 with a token, or HTTP 200 with `error` (as Zoho)."""
        error = self._refusal(params)
        if error is not None:
            return 200, {"error": error}
        if self._throttled():
            return 400, dict(_THROTTLED)
        token = f"1000.{secrets.token_hex(16)}.{secrets.token_hex(16)}"
        self._live[token] = self.clock.timestamp() + self.options.token_lifetime_s
        while len(self._live) > self.options.max_live_tokens:
            self._live.popitem(last=False)  # the 31st token kills the oldest
        self.issued_total += 1
        return 200, {
            "access_token": token,
            "api_domain": self.options.api_domain or api_domain,
            "token_type": "Bearer",
            "expires_in": int(self.options.token_lifetime_s),
        }

    def _refusal(self, params: Mapping[str, str]) -> str | None:
        o = self.options
        if params.get("grant_type") != "refresh_token":
            return "unsupported_grant_type"
        if not _same(params.get("client_id", ""), o.client_id):
            return "invalid_client"
        if not _same(params.get("client_secret", ""), o.client_secret):
            return "invalid_client_secret"
        if self.revoked or not _same(params.get("refresh_token", ""), o.refresh_token):
            return "invalid_code"
        return None

    def _throttled(self) -> bool:
        limit = self.options.token_refresh_per_minute
        if limit <= 0:
            return False
        now = self.clock.timestamp()
        while self._recent and self._recent[0] <= now - 60:
            self._recent.popleft()
        if len(self._recent) >= limit:
            return True
        self._recent.append(now)
        return False

    def check(self, authorization: str | None) -> TokenCheck:
        """`Zoho-oauthtoken <t>` (or `Bearer <t>`, which Zoho's gateway also takes)."""
        scheme, _, token = (authorization or "").strip().partition(" ")
        if scheme.lower() not in ("zoho-oauthtoken", "bearer") or not token.strip():
            return TokenCheck.MISSING
        expiry = self._live.get(token.strip())
        if expiry is None or self.revoked or expiry <= self.clock.timestamp():
            return TokenCheck.INVALID
        return TokenCheck.OK

    def expire_all(self) -> int:
        """Makes every live token dead at once (what an hour's wait does); returns how many."""
        count = len(self._live)
        self._live.clear()
        return count

    def live_count(self) -> int:
        now = self.clock.timestamp()
        return sum(1 for expiry in self._live.values() if expiry > now)


def _same(given: str, expected: str) -> bool:
    """Constant-time comparison that also takes non-ASCII input."""
    return secrets.compare_digest(given.encode(), expected.encode())
