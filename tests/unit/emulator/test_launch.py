"""What `tds emulator` prints for the client and which webhooks it registers."""

from __future__ import annotations

from tds.emulator.launch import client_env, startup_webhooks
from tds.emulator.options import EmulatorOptions
from tds.entities.catalog import ENTITIES


def test_client_env_points_the_sync_service_at_the_emulator() -> None:
    """Accounts URL is the emulator root; the API base adds /books/v3; credentials match."""
    options = EmulatorOptions(organization_id="123456789")
    env = client_env(options, "http://127.0.0.1:8090/")
    assert env["TDS_ZOHO__ACCOUNTS_URL"] == "http://127.0.0.1:8090"
    assert env["TDS_ZOHO__API_BASE_URL"] == "http://127.0.0.1:8090/books/v3"
    assert env["TDS_ZOHO__ORGANIZATION_ID"] == "123456789"
    assert env["TDS_ZOHO__REFRESH_TOKEN"] == options.refresh_token


def test_entity_placeholder_makes_one_webhook_per_module_with_rules() -> None:
    """`{entity}` in the URL gives one webhook per module; pull-only modules get none."""
    hooks = startup_webhooks("http://h/webhooks/zoho/{entity}?token=t", "abcdefghijkl")
    expected = {spec.name for spec in ENTITIES if spec.has_webhooks}
    assert {h.url for h in hooks} == {f"http://h/webhooks/zoho/{name}?token=t" for name in expected}
    assert all(h.entities == [h.url.split("/")[-1].split("?")[0]] for h in hooks)
    assert "pricebook" not in expected


def test_plain_url_makes_one_webhook_for_every_module() -> None:
    """Without the placeholder a single webhook receives all modules; no URL, no webhook."""
    hooks = startup_webhooks("http://h/hook", None)
    assert [(h.url, h.entities, h.secret) for h in hooks] == [("http://h/hook", None, None)]
    assert startup_webhooks(None, "abcdefghijkl") == []
