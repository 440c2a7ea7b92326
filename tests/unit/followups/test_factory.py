"""The worker's handlers ask for stock refreshes only where a refresh can be made and can land."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tds.config import Settings, load_settings
from tds.entities.target import build_handlers
from tds.followups.factory import with_followups
from tds.followups.scheduling import StockRefreshScheduling

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "erp-profiles"
ZOHO = {"client_id": "id", "refresh_token": "token", "organization_id": "1"}


def settings(**overrides: Any) -> Settings:
    return load_settings(environment="test", **{"zoho": ZOHO, **overrides})


def wrapped(s: Settings) -> set[str]:
    handlers = with_followups(s, build_handlers(s.erp))
    return {entity for entity, handler in handlers.items() if isinstance(handler, StockRefreshScheduling)}


class TestWithFollowups:
    def test_stock_moving_handlers_ask_for_refreshes(self) -> None:
        """With Zoho configured and the default schema, the five stock-moving entities ask; items do not."""
        assert wrapped(settings()) == {"inventory_adjustment", "invoice", "bill", "creditnote", "salesorder"}

    def test_a_profile_that_keeps_stock_asks_even_for_entities_it_leaves_out(self) -> None:
        """The shop ERP writes no adjustments or bills, but their events move the stock it keeps."""
        shop = settings(erp={"profile": EXAMPLES / "shop.yaml"})
        assert wrapped(shop) == {"inventory_adjustment", "invoice", "bill", "creditnote", "salesorder"}

    def test_nothing_asks_without_zoho_in_shadow_mode_or_when_switched_off(self) -> None:
        """No loop could make the calls, or the ERP must not change, or the operator said no."""
        assert wrapped(load_settings(environment="test")) == set()
        assert wrapped(settings(erp={"shadow": True})) == set()
        assert wrapped(settings(followups={"stock_refresh": False})) == set()
        assert wrapped(settings(followups={"enabled": False})) == set()
