"""What `tds emulator` prints for the client and the webhooks it registers at start (pure)."""

from __future__ import annotations

from tds.emulator.options import EmulatorOptions
from tds.emulator.webhooks import WebhookConfig
from tds.entities.catalog import ENTITIES

ENTITY_PLACEHOLDER = "{entity}"


def client_env(options: EmulatorOptions, base_url: str) -> dict[str, str]:
    """The TDS_ZOHO__* settings that point the sync service at this emulator."""
    root = base_url.rstrip("/")
    return {
        "TDS_ZOHO__ACCOUNTS_URL": root,
        "TDS_ZOHO__API_BASE_URL": f"{root}/books/v3",
        "TDS_ZOHO__CLIENT_ID": options.client_id,
        "TDS_ZOHO__CLIENT_SECRET": options.client_secret,
        "TDS_ZOHO__REFRESH_TOKEN": options.refresh_token,
        "TDS_ZOHO__ORGANIZATION_ID": options.organization_id,
    }


def startup_webhooks(url: str | None, secret: str | None) -> list[WebhookConfig]:
    """One webhook per module with workflow rules, as Books is set up.

    A URL holding `{entity}` (`http://127.0.0.1:8000/webhooks/zoho/{entity}`) gets each module's
    canonical entity name; any other URL receives every module.
    """
    if not url:
        return []
    if ENTITY_PLACEHOLDER not in url:
        return [WebhookConfig(url=url, secret=secret)]
    return [
        WebhookConfig(url=url.replace(ENTITY_PLACEHOLDER, spec.name), entities=[spec.name], secret=secret)
        for spec in ENTITIES
        if spec.has_webhooks
    ]
