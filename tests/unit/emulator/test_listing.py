"""List pages: `last_modified_time` where Books honours it, sorting, filters and pagination."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tds.emulator.data import Dataset
from tds.emulator.listing import instant_of, list_page
from tds.emulator.responses import ZohoAnswer
from tds.entities.catalog import get


def page(dataset: Dataset, entity: str, **query: str) -> dict:
    spec = get(entity)
    return list_page(spec, dataset.records[entity], query, 200)


def ids(body: dict, entity: str) -> list[str]:
    spec = get(entity)
    return [row[spec.id_field] for row in body[spec.list_key]]


class TestIncremental:
    def test_last_modified_time_keeps_records_modified_at_or_after_it(self, dataset: Dataset) -> None:
        """The filter is inclusive: a record stamped exactly at the bound is listed."""
        stamps = sorted(i["last_modified_time"] for i in dataset.records["invoice"])
        bound = stamps[len(stamps) // 2]
        body = page(dataset, "invoice", last_modified_time=bound)
        expected = {
            i["invoice_id"]
            for i in dataset.records["invoice"]
            if instant_of(i["last_modified_time"]) >= instant_of(bound)
        }
        assert set(ids(body, "invoice")) == expected
        assert 0 < len(expected) < len(stamps)

    def test_bound_in_another_offset_compares_as_an_instant(self, dataset: Dataset) -> None:
        """`+0000` bounds match `+0300` records by instant, not by text."""
        record = dataset.records["bill"][3]
        moment = datetime.fromtimestamp(instant_of(record["last_modified_time"]), UTC)
        at = moment.strftime("%Y-%m-%dT%H:%M:%S+0000")
        after = (moment + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S+0000")
        assert record["bill_id"] in ids(page(dataset, "bill", last_modified_time=at), "bill")
        assert record["bill_id"] not in ids(page(dataset, "bill", last_modified_time=after), "bill")

    def test_filter_is_ignored_where_books_does_not_honour_it(self, dataset: Dataset) -> None:
        """Items ignore last_modified_time silently (the client must check client-side)."""
        body = page(dataset, "item", last_modified_time="2099-01-01T00:00:00+0000")
        assert len(body["items"]) == len(dataset.records["item"])

    def test_unparseable_bound_is_a_bad_parameter(self, dataset: Dataset) -> None:
        """An unencoded `+` arrives as a space and is refused (400, code 2)."""
        with pytest.raises(ZohoAnswer) as caught:
            page(dataset, "invoice", last_modified_time="2026-01-01T00:00:00 0000")
        assert (caught.value.http_status, caught.value.code) == (400, 2)
        assert "last_modified_time" in caught.value.message


class TestPaging:
    def test_pages_cover_every_record_once_and_only_the_last_says_no_more(self, dataset: Dataset) -> None:
        """Walking per_page=7 pages lists each invoice exactly once."""
        seen: list[str] = []
        flags = []
        for number in range(1, 100):
            body = page(dataset, "invoice", page=str(number), per_page="7")
            seen += ids(body, "invoice")
            flags.append(body["page_context"]["has_more_page"])
            if not flags[-1]:
                break
        assert sorted(seen) == sorted(i["invoice_id"] for i in dataset.records["invoice"])
        assert flags[:-1] == [True] * (len(flags) - 1)
        assert body["page_context"]["per_page"] == 7

    def test_per_page_is_capped_at_the_maximum(self, dataset: Dataset) -> None:
        """Asking for 1000 rows gives 200 at most (here, the max passed in)."""
        spec = get("item")
        body = list_page(spec, dataset.records["item"], {"per_page": "1000"}, 50)
        assert len(body["items"]) == 50
        assert body["page_context"]["per_page"] == 50
        assert body["page_context"]["has_more_page"] is True

    @pytest.mark.parametrize("value", ["0", "-1", "abc"])
    def test_bad_page_numbers_are_refused(self, dataset: Dataset, value: str) -> None:
        """page must be a positive integer."""
        with pytest.raises(ZohoAnswer):
            page(dataset, "item", page=value)


class TestSortingAndFilters:
    def test_sort_by_last_modified_time_ascending(self, dataset: Dataset) -> None:
        """sort_column/sort_order order rows by instant and echo in page_context."""
        body = page(dataset, "contact", sort_column="last_modified_time", sort_order="A")
        stamps = [instant_of(r["last_modified_time"]) for r in body["contacts"]]
        assert stamps == sorted(stamps)
        assert body["page_context"]["sort_column"] == "last_modified_time"
        assert body["page_context"]["sort_order"] == "A"

    def test_unknown_sort_column_falls_back_to_created_time_descending(self, dataset: Dataset) -> None:
        """A column the list does not have is replaced by the default, and page_context says so."""
        body = page(dataset, "invoice", sort_column="no_such_column")
        assert (body["page_context"]["sort_column"], body["page_context"]["sort_order"]) == (
            "created_time",
            "D",
        )
        stamps = [instant_of(r["created_time"]) for r in body["invoices"]]
        assert stamps == sorted(stamps, reverse=True)

    def test_status_and_field_filters(self, dataset: Dataset) -> None:
        """filter_by=Status.PartiallyPaid, contact_type=vendor and *_contains narrow the list."""
        partly = page(dataset, "invoice", filter_by="Status.PartiallyPaid")["invoices"]
        assert partly
        assert {r["status"] for r in partly} == {"partially_paid"}
        vendors = page(dataset, "contact", contact_type="vendor")["contacts"]
        assert vendors
        assert {r["contact_type"] for r in vendors} == {"vendor"}
        name = dataset.records["item"][0]["name"]
        found = page(dataset, "item", name_contains=name[2:8])["items"]
        assert name in [r["name"] for r in found]
