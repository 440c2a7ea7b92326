"""Which applied events ask for stock refreshes, of which items, and when."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tds.entities.handler import EntityEvent, Outcome
from tds.followups.kinds import FollowupKind, FollowupRequest, Priority, coalesce
from tds.followups.stock import StockRefreshRule, items_on_lines, stock_refresh_requests
from tds.pull.budget import budget_note
from tds.zoho.ratelimit import BudgetUsage

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
RULE = StockRefreshRule(window_s=60.0, max_age_s=3_600.0)


def event(entity: str, lines: list[dict[str, Any]], *, age_s: float = 10.0, job_id: int = 1) -> EntityEvent:
    return EntityEvent(
        job_id=job_id,
        inbox_event_id=job_id,
        entity=entity,
        entity_id=f"{entity}-{job_id}",
        action="upsert",
        payload={"line_items": lines},
        source="webhook",
        source_modified_at=NOW - timedelta(seconds=age_s),
    )


def requested(requests: list[FollowupRequest]) -> list[str]:
    return [r.zoho_id for r in requests]


class TestItemsOnLines:
    def test_each_tracked_item_once_in_line_order(self) -> None:
        """Ids as strings, once each; service and untracked lines, and lines without an item, are left."""
        payload = {
            "line_items": [
                {"item_id": 20},
                {"item_id": "10"},
                {"item_id": "20"},
                {"item_id": "30", "product_type": "service"},
                {"item_id": "40", "item_type": "sales"},
                {"item_id": "50", "item_type": "inventory"},
                {"name": "a note line"},
                {"item_id": ""},
                "not a line",
            ]
        }
        assert items_on_lines(payload) == ["20", "10", "50"]

    def test_no_lines_no_items(self) -> None:
        """A delete by id, or lines of the wrong shape, name no item."""
        assert items_on_lines({}) == []
        assert items_on_lines({"line_items": "x"}) == []


class TestStockRefreshRequests:
    @pytest.mark.parametrize(
        "entity", ["inventory_adjustment", "invoice", "bill", "creditnote", "salesorder"]
    )
    def test_a_written_stock_moving_event_asks_for_its_items(self, entity: str) -> None:
        """Each stock-moving entity's written event asks for a refresh of its items, a window from now."""
        (request,) = stock_refresh_requests([event(entity, [{"item_id": "7"}])], [Outcome.UPDATED], NOW, RULE)
        assert request == FollowupRequest(FollowupKind.STOCK_REFRESH, "item", "7", 60.0)

    def test_other_entities_ask_for_nothing(self) -> None:
        """A customer payment carries no stock, whatever its shape."""
        assert (
            stock_refresh_requests(
                [event("customerpayment", [{"item_id": "7"}])], [Outcome.INSERTED], NOW, RULE
            )
            == []
        )

    @pytest.mark.parametrize("outcome", [Outcome.UNCHANGED, Outcome.STALE])
    def test_an_event_that_wrote_nothing_asks_for_nothing(self, outcome: Outcome) -> None:
        """An unchanged or stale event moved no stock the ERP has not seen."""
        assert stock_refresh_requests([event("invoice", [{"item_id": "7"}])], [outcome], NOW, RULE) == []

    def test_an_entity_the_erp_does_not_write_still_tells_of_stock(self) -> None:
        """Invoices the profile leaves out still moved stock: any event but a stale one asks."""
        events = [event("invoice", [{"item_id": "7"}], job_id=1), event("bill", [{"item_id": "8"}], job_id=2)]
        requests = stock_refresh_requests(
            events, [Outcome.UNCHANGED, Outcome.STALE], NOW, RULE, written=False
        )
        assert requested(requests) == ["7"]

    def test_a_backfilled_event_asks_for_nothing(self) -> None:
        """An event last modified longer ago than max_age_s (a first full sync) asks for no refresh."""
        old = event("invoice", [{"item_id": "7"}], age_s=RULE.max_age_s + 1)
        assert stock_refresh_requests([old], [Outcome.INSERTED], NOW, RULE) == []

    def test_events_of_one_batch_share_one_request_per_item(self) -> None:
        """Three events naming item 7 ask for it once; the requests come in key order."""
        events = [
            event("invoice", [{"item_id": "9"}, {"item_id": "7"}], job_id=1),
            event("bill", [{"item_id": "7"}], job_id=2),
            event("salesorder", [{"item_id": "7"}, {"item_id": "8"}], job_id=3),
        ]
        requests = stock_refresh_requests(events, [Outcome.INSERTED] * 3, NOW, RULE)
        assert requested(requests) == ["7", "8", "9"]


class TestKinds:
    def test_priorities_put_deletes_then_stock_before_pull_pages_then_images(self) -> None:
        """The one scale every Zoho call is ranked on (lower first)."""
        order = sorted(Priority, key=int)
        assert order == [
            Priority.DELETE_CONFIRMATION,
            Priority.STOCK_REFRESH,
            Priority.PULL_PAGE,
            Priority.IMAGE,
        ]
        assert FollowupRequest(FollowupKind.STOCK_REFRESH, "item", "1").priority == Priority.STOCK_REFRESH

    def test_coalesce_keeps_the_earliest_request_of_each_record(self) -> None:
        """Two requests for one record become one, the sooner of the two."""
        later = FollowupRequest(FollowupKind.STOCK_REFRESH, "item", "2", 60.0)
        sooner = FollowupRequest(FollowupKind.STOCK_REFRESH, "item", "2", 5.0)
        other = FollowupRequest(FollowupKind.STOCK_REFRESH, "item", "1", 60.0)
        assert coalesce([later, other, sooner]) == [other, sooner]


class TestPullBudgetNote:
    USAGE = BudgetUsage(day=NOW.date(), used=4_700, limit=5_000)

    def test_follow_ups_ahead_of_pull_pages_count_with_the_reserve(self) -> None:
        """300 left, reserve 100, a page of 11: room, until 190 follow-up calls wait ahead of it."""
        assert budget_note(self.USAGE, 100, 11) is None
        assert budget_note(self.USAGE, 100, 11, ahead=189) is None
        note = budget_note(self.USAGE, 100, 11, ahead=190)
        assert note is not None
        assert "190 follow-up calls ahead of it" in note
        assert "once those are made or the budget renews" in note
