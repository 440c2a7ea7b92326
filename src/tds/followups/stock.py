"""Which events move stock, and the stock refreshes they ask for (pure).

Inventory adjustments, invoices, bills and credit notes move stock on hand; sales orders commit it.
Zoho may do so without a new `last_modified_time` on the item, and the pull, which skips items the
ERP holds at their listed version, would never fetch the new stock. So after such an event is
applied, every stock-tracked item on its lines gets a refresh (its detail, once) `window_s` later;
the events of the same item within that window share the one call. An event older than
`max_age_s` is a backfill (a first full sync): its movement is long in the stock that the item's
own sync fetched, and refreshing for it would spend a call per item for nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tds.entities.handler import EntityEvent, Outcome
from tds.followups.kinds import FollowupKind, FollowupRequest, coalesce

STOCK_MOVING = frozenset({"inventory_adjustment", "invoice", "bill", "creditnote", "salesorder"})
# Line item types Zoho keeps no stock for (only `inventory` items are tracked).
UNTRACKED_ITEM_TYPES = frozenset({"sales", "purchases", "sales_and_purchases"})


@dataclass(frozen=True)
class StockRefreshRule:
    """When a refresh runs after its first event, and how old an event may be to ask for one."""

    window_s: float = 60.0
    max_age_s: float = 86_400.0


def items_on_lines(payload: Mapping[str, Any]) -> list[str]:
    """The ids of the stock-tracked items on a document's lines, each once, in line order."""
    lines = payload.get("line_items")
    found: dict[str, None] = {}
    for line in lines if isinstance(lines, list) else ():
        if not isinstance(line, Mapping) or not _tracked(line):
            continue
        item_id = line.get("item_id")
        if isinstance(item_id, str | int) and not isinstance(item_id, bool) and str(item_id).strip():
            found[str(item_id).strip()] = None
    return list(found)


def _tracked(line: Mapping[str, Any]) -> bool:
    return line.get("item_type") not in UNTRACKED_ITEM_TYPES and line.get("product_type") != "service"


def moved_stock(event: EntityEvent, outcome: Outcome, *, written: bool) -> bool:
    """Whether applying `event` tells of a stock movement: a write, or for an entity the ERP does not
    write (`written` false), any event that was not stale."""
    if event.entity not in STOCK_MOVING or outcome is Outcome.STALE:
        return False
    return not written or outcome is not Outcome.UNCHANGED


def stock_refresh_requests(
    events: Sequence[EntityEvent],
    outcomes: Sequence[Outcome],
    now: datetime,
    rule: StockRefreshRule,
    *,
    written: bool = True,
) -> list[FollowupRequest]:
    """The stock refreshes a batch's applied events ask for, one per item."""
    requests = []
    for event, outcome in zip(events, outcomes, strict=True):
        if not moved_stock(event, outcome, written=written) or _too_old(event, now, rule.max_age_s):
            continue
        requests += [
            FollowupRequest(FollowupKind.STOCK_REFRESH, "item", item_id, rule.window_s)
            for item_id in items_on_lines(event.payload or {})
        ]
    return coalesce(requests)


def _too_old(event: EntityEvent, now: datetime, max_age_s: float) -> bool:
    version = event.source_modified_at
    return version is not None and (now - version).total_seconds() > max_age_s
