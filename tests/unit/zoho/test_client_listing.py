"""Tests for list parameters, page walking, record details and item images."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta, timezone

import pytest

from tds.errors import ZohoError, ZohoNotFound
from tests.unit.zoho.fakezoho import ORGANIZATION_ID, zoho_json


def invoices(count: int) -> list[dict[str, str]]:
    return [{"invoice_id": str(4_372_460_000_000_650_000 + n)} for n in range(count)]


def page_body(ids: list[str], has_more: bool) -> dict[str, object]:
    return {
        "code": 0,
        "message": "success",
        "invoices": [{"invoice_id": i} for i in ids],
        "page_context": {"has_more_page": has_more},
    }


async def collect(client, entity, **kwargs):
    return [page async for page in client.iter_pages(entity, **kwargs)]


class TestListParams:
    async def test_organization_and_paging_on_every_call(self, client, fake):
        """Every list call names the organization, the page and the page size."""
        await client.list_page("invoice", page=3, per_page=50)
        params = fake.api_requests[0].url.params
        assert params["organization_id"] == ORGANIZATION_ID
        assert (params["page"], params["per_page"]) == ("3", "50")

    async def test_page_size_is_capped_at_200(self, client, fake):
        """Zoho's maximum page size is 200, whatever the caller asks for."""
        await client.list_page("invoice", per_page=1000)
        assert fake.api_requests[0].url.params["per_page"] == "200"

    async def test_incremental_filter_where_zoho_supports_it(self, client, fake):
        """Invoices are filtered by last_modified_time in UTC, +0000 encoded, sorted ascending."""
        since = datetime(2024, 5, 1, 5, 30, tzinfo=timezone(timedelta(hours=5, minutes=30)))
        await client.list_page("invoice", modified_since=since)
        request = fake.api_requests[0]
        assert request.url.params["last_modified_time"] == "2024-05-01T00:00:00+0000"
        assert "last_modified_time=2024-05-01T00%3A00%3A00%2B0000" in str(request.url)
        assert (request.url.params["sort_column"], request.url.params["sort_order"]) == (
            "last_modified_time",
            "A",
        )

    async def test_sort_only_where_the_filter_is_unconfirmed(self, client, fake):
        """Contacts get the sort but no filter, so the caller can stop client-side."""
        await client.list_page("contact", modified_since=datetime(2024, 5, 1, tzinfo=UTC))
        params = fake.api_requests[0].url.params
        assert "last_modified_time" not in params
        assert params["sort_column"] == "last_modified_time"

    async def test_entities_without_modified_time_are_listed_whole(self, client, fake):
        """Price books carry no last_modified_time, so neither filter nor sort is sent."""
        await client.list_page("pricebook", modified_since=datetime(2024, 5, 1, tzinfo=UTC))
        params = fake.api_requests[0].url.params
        assert "last_modified_time" not in params
        assert "sort_column" not in params

    async def test_extra_params_are_added_last(self, client, fake):
        """Caller parameters reach Zoho and may override the defaults."""
        await client.list_page(
            "contacts",
            modified_since=datetime(2024, 5, 1, tzinfo=UTC),
            extra_params={"filter_by": "Status.All", "sort_order": "D"},
        )
        params = fake.api_requests[0].url.params
        assert (params["filter_by"], params["sort_order"]) == ("Status.All", "D")
        assert fake.api_requests[0].url.path == "/books/v3/contacts"

    async def test_naive_datetime_is_refused(self, client):
        """A cursor without a time zone is ambiguous and rejected before any call."""
        with pytest.raises(ValueError, match="timezone-aware"):
            await client.list_page("invoice", modified_since=datetime(2024, 5, 1))

    async def test_unknown_entity_is_refused(self, client):
        """An entity outside the catalog is a caller mistake."""
        with pytest.raises(ValueError, match="unknown Zoho entity"):
            await client.list_page("journal")


class TestPagination:
    async def test_walks_every_page_until_has_more_is_false(self, client, fake):
        """450 records at 200 a page come as three pages, then the walk stops."""
        fake.records["invoice"] = invoices(450)
        pages = await collect(client, "invoice")
        assert [(p.page, len(p.records), p.has_more) for p in pages] == [
            (1, 200, True),
            (2, 200, True),
            (3, 50, False),
        ]
        assert len(fake.api_requests) == 3

    async def test_empty_first_page_yields_nothing(self, client, fake):
        """An entity with no records costs one call and yields no page."""
        assert await collect(client, "invoice") == []
        assert len(fake.api_requests) == 1

    async def test_exactly_full_last_page_stops_on_has_more(self, client, fake):
        """A last page that is exactly full is still the last when Zoho says so."""
        fake.records["invoice"] = invoices(200)
        pages = await collect(client, "invoice")
        assert len(pages) == 1
        assert len(fake.api_requests) == 1

    async def test_empty_page_claiming_more_stops_the_walk(self, client, fake, caplog):
        """A lying has_more_page followed by an empty page ends the walk with a warning."""
        fake.api_script.extend(
            [zoho_json(200, page_body(["1", "2"], True)), zoho_json(200, page_body([], True))]
        )
        with caplog.at_level(logging.WARNING, logger="tds.zoho"):
            pages = await collect(client, "invoice", per_page=2)
        assert [len(p.records) for p in pages] == [2]
        assert len(fake.api_requests) == 2
        assert "empty but claims more pages" in caplog.text

    async def test_repeated_page_stops_the_walk(self, client, fake, caplog):
        """A page repeating the previous page's ids (ignored page parameter) is not yielded."""
        fake.api_script.extend([zoho_json(200, page_body(["1", "2"], True)) for _ in range(5)])
        with caplog.at_level(logging.WARNING, logger="tds.zoho"):
            pages = await collect(client, "invoice", per_page=2)
        assert len(pages) == 1
        assert len(fake.api_requests) == 2
        assert "repeats page 1" in caplog.text

    async def test_answer_without_the_list_key_is_an_error(self, client, fake):
        """A success answer lacking the entity's list is reported, not taken as empty."""
        fake.api_script.append(zoho_json(200, {"code": 0, "message": "success"}))
        with pytest.raises(ZohoError, match="no 'invoices' list"):
            await client.list_page("invoice")


class TestDetail:
    async def test_detail_is_unwrapped_from_its_key(self, client, fake):
        """A customer payment comes back from under `payment`, not `customerpayment`."""
        fake.records["customerpayment"] = [{"payment_id": "77", "amount": 10.5}]
        record = await client.get("customerpayment", "77")
        assert record == {"payment_id": "77", "amount": 10.5}
        assert fake.api_requests[0].url.path == "/books/v3/customerpayments/77"

    async def test_missing_record_is_not_found(self, client, fake):
        """Zoho's code 1002 / HTTP 404 is ZohoNotFound, the deletion signal."""
        with pytest.raises(ZohoNotFound) as caught:
            await client.get("invoice", "123")
        assert (caught.value.code, caught.value.http_status) == (1002, 404)
        assert len(fake.api_requests) == 1

    async def test_record_id_cannot_escape_the_path(self, client, fake):
        """An id with slashes is encoded, so it cannot reach another endpoint."""
        with pytest.raises(ZohoNotFound):
            await client.get("invoice", "../items")
        assert fake.api_requests[0].url.raw_path.startswith(b"/books/v3/invoices/..%2Fitems")


class TestItemImage:
    async def test_image_bytes_are_returned(self, client, fake):
        """An item's image comes back as raw bytes."""
        fake.images["5"] = b"\x89PNG\r\n"
        assert await client.get_item_image("5") == b"\x89PNG\r\n"
        assert fake.api_requests[0].url.path == "/books/v3/items/5/image"

    async def test_missing_image_is_none(self, client, fake):
        """An item without an image (a 404) gives None, not an error."""
        assert await client.get_item_image("6") is None
