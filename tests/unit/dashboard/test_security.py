"""Dashboard login: which keys open a session, how the cookie key is chosen, where a login may lead."""

from __future__ import annotations

from tds.config import load_settings
from tds.dashboard.pages.auth import _safe_next
from tds.dashboard.security import key_fingerprint, matching_key, session_secret


def test_only_a_configured_key_matches_and_it_brings_its_role() -> None:
    settings = load_settings(
        api={"admin_api_keys": ["first-key-123", "second-key-456"]},
        dashboard={"read_only_api_keys": ["viewer-key-789"]},
    )
    assert matching_key(settings, "second-key-456") == ("second-key-456", "admin")
    assert matching_key(settings, "viewer-key-789") == ("viewer-key-789", "viewer")
    assert matching_key(settings, "second-key-45") is None
    assert matching_key(settings, "") is None


def test_the_cookie_key_is_configured_or_derived_from_the_admin_keys() -> None:
    """Same keys, same cookie key (every API process agrees); other keys, another; configured wins."""
    one = load_settings(api={"admin_api_keys": ["a-key-0001", "b-key-0002"]})
    same = load_settings(api={"admin_api_keys": ["b-key-0002", "a-key-0001"]})
    other = load_settings(api={"admin_api_keys": ["a-key-0001"]})
    assert session_secret(one) == session_secret(same) != session_secret(other)
    assert "a-key-0001" not in session_secret(one)
    configured = load_settings(dashboard={"session_secret": "s3cret-cookie-key"})
    assert session_secret(configured) == "s3cret-cookie-key"


def test_the_session_keeps_a_fingerprint_not_the_key() -> None:
    assert "abc-key" not in key_fingerprint("abc-key")
    assert key_fingerprint("abc-key") == key_fingerprint("abc-key") != key_fingerprint("abd-key")


def test_after_login_only_a_dashboard_path_is_followed() -> None:
    """An attacker's `next=//evil.example` or an absolute URL leads to the overview instead."""
    assert _safe_next("/dashboard/queue?status=dead") == "/dashboard/queue?status=dead"
    for target in ("//evil.example/dashboard", "https://evil.example", "/dashboard//evil", "/docs", None):
        assert _safe_next(target) == "/dashboard/"
