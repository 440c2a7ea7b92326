"""Dashboard login: admin API key into a signed session cookie, a CSRF token per session, the guards."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from typing import Literal

from fastapi import Depends, Request

from tds.api.deps import get_container
from tds.bootstrap import Container
from tds.config import Settings
from tds.errors import TdsError

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SESSION_COOKIE = "tds_dashboard"
Role = Literal["admin", "viewer"]
_DERIVATION_LABEL = b"tds-core dashboard session v1"


class NotLoggedIn(TdsError):
    """Log in to the dashboard first."""

    status_code = 401


class ReadOnlySession(TdsError):
    """This session is read-only: log in with an admin API key to act."""

    status_code = 403


class CsrfRejected(TdsError):
    """The form's security token is missing or wrong; reload the page and try again."""

    status_code = 403


def session_secret(settings: Settings) -> str:
    """The configured cookie key, else one derived from the admin keys (random when there are none)."""
    configured = settings.dashboard.session_secret
    if configured is not None:
        return configured.get_secret_value()
    keys = sorted(key for key, _ in _keys(settings))
    if not keys:
        return secrets.token_urlsafe(32)
    return hmac.new(_DERIVATION_LABEL, "\n".join(keys).encode(), hashlib.sha256).hexdigest()


def key_fingerprint(key: str) -> str:
    """What the session keeps of the key it was opened with (never the key itself)."""
    return hashlib.sha256(key.encode()).hexdigest()[:24]


def _keys(settings: Settings) -> list[tuple[str, Role]]:
    admin: list[tuple[str, Role]] = [(k.get_secret_value(), "admin") for k in settings.api.admin_api_keys]
    return admin + [(k.get_secret_value(), "viewer") for k in settings.dashboard.read_only_api_keys]


def matching_key(settings: Settings, given: str) -> tuple[str, Role] | None:
    """The configured key equal to `given` and its role (constant-time over every key), else None."""
    found = None
    for key, role in _keys(settings):
        if given and hmac.compare_digest(given.encode(), key.encode()):
            found = (key, role)
    return found


def csrf_token(request: Request) -> str:
    """This session's CSRF token, made on first use."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def open_session(request: Request, key: str, role: Role, name: str = "") -> None:
    """Starts a logged-in session: a fresh CSRF token, so one seen before login is worth nothing."""
    request.session.clear()
    who = f"{name.strip()[:80]} (dashboard)" if name.strip() else "dashboard"
    request.session.update({"key": key_fingerprint(key), "role": role, "at": int(time.time()), "who": who})
    csrf_token(request)


def session_role(request: Request, settings: Settings) -> Role | None:
    """The role of a session opened with a key that is still configured (as that key's role now)."""
    held = request.session.get("key")
    if not isinstance(held, str):
        return None
    found: Role | None = None
    for key, role in _keys(settings):
        if hmac.compare_digest(held, key_fingerprint(key)):
            found = role
    return found


def operator(request: Request) -> str:
    """Who acts, as the alert and audit records name them: the name given at login, or `dashboard`."""
    who = request.session.get("who")
    return who if isinstance(who, str) and who else "dashboard"


def require_login(request: Request, container: Container = Depends(get_container)) -> None:
    if session_role(request, container.settings) is None:
        raise NotLoggedIn()


def require_admin_session(request: Request, container: Container = Depends(get_container)) -> None:
    """Actions need a session opened with an admin key (a read-only key only looks)."""
    if session_role(request, container.settings) != "admin":
        raise ReadOnlySession()


async def require_csrf(request: Request) -> None:
    """POSTs must carry the session's token, in the form or (for scripts) in a header."""
    expected = request.session.get("csrf")
    given = request.headers.get(CSRF_HEADER)
    if given is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not (isinstance(expected, str) and given and hmac.compare_digest(given, expected)):
        raise CsrfRejected()


async def require_action(request: Request, container: Container = Depends(get_container)) -> None:
    """What every action needs: an admin session and the form's CSRF token."""
    require_admin_session(request, container)
    await require_csrf(request)
