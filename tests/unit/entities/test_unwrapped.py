"""The worker asks the real handler, not its wrappers, for its conflict keys and explanations."""

from __future__ import annotations

from tds.config import ErpMappingSettings
from tds.entities.handler import unwrapped
from tds.entities.shadow import ShadowHandler
from tds.entities.target import build_target
from tds.followups.scheduling import StockRefreshScheduling
from tds.followups.stock import StockRefreshRule


def test_wrappers_are_seen_through() -> None:
    real = build_target(ErpMappingSettings()).handlers["salesorder"]
    wrapped = ShadowHandler(StockRefreshScheduling(real, StockRefreshRule(), written=True))
    assert unwrapped(wrapped) is real
    assert unwrapped(real) is real
