"""Books v3 over HTTP: envelopes, keys, list versus detail shapes, errors, paging and filters."""

from __future__ import annotations

import re

import httpx
import pytest

from tds.emulator.options import DatasetSizes
from tds.emulator.service import Emulator
from tds.entities.catalog import ENTITIES, EntitySpec
from tests.integration.emulator.conftest import Books

TS_RE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}")


@pytest.mark.parametrize("spec", ENTITIES, ids=lambda s: s.name)
async def test_every_entity_lists_and_details_under_its_catalog_keys(books: Books, spec: EntitySpec) -> None:
    """List under list_key with page_context; detail under the module key (`payment` for payments)."""
    listed = await books.get(spec.list_path, per_page=5)
    body = listed.json()
    assert listed.status_code == 200
    assert listed.headers["content-type"] == "application/json;charset=UTF-8"
    assert (body["code"], body["message"]) == (0, "success")
    assert set(body) == {"code", "message", spec.list_key, "page_context"}
    record_id = body[spec.list_key][0][spec.id_field]
    detail = (await books.get(spec.detail_path(record_id))).json()
    assert set(detail) == {"code", "message", spec.detail_key}
    assert detail[spec.detail_key][spec.id_field] == record_id


async def test_list_rows_are_slim_and_details_are_full(books: Books) -> None:
    """Invoice rows have no line_items and `zipcode` addresses; the detail has both in Zoho's form."""
    row = (await books.get("/invoices", per_page=1)).json()["invoices"][0]
    detail = (await books.get(f"/invoices/{row['invoice_id']}")).json()["invoice"]
    assert "line_items" not in row
    assert "zipcode" in row["billing_address"]
    assert "zip" not in row["billing_address"]
    assert detail["line_items"]
    assert detail["billing_address"]["zip"] == row["billing_address"]["zipcode"]
    assert TS_RE.fullmatch(detail["last_modified_time"])
    assert detail["last_modified_time"] == row["last_modified_time"]


async def test_contact_detail_embeds_persons_that_also_have_their_own_endpoints(books: Books) -> None:
    """contact_persons appear in the contact detail and under /contacts/{id}/contactpersons."""
    row = (await books.get("/contacts", per_page=1)).json()["contacts"][0]
    assert "contact_persons" not in row
    detail = (await books.get(f"/contacts/{row['contact_id']}")).json()["contact"]
    persons = (await books.get(f"/contacts/{row['contact_id']}/contactpersons")).json()["contact_persons"]
    assert persons == detail["contact_persons"]
    person_id = persons[0]["contact_person_id"]
    one = await books.get(f"/contacts/{row['contact_id']}/contactpersons/{person_id}")
    assert one.json()["contact_person"]["contact_person_id"] == person_id


async def test_item_detail_carries_stock_per_warehouse(books: Books) -> None:
    """Item detail lists warehouses[] stock; the list row shows only the total."""
    rows = (await books.get("/items", per_page=200)).json()["items"]
    tracked = next(r for r in rows if r["item_type"] == "inventory")
    detail = (await books.get(f"/items/{tracked['item_id']}")).json()["item"]
    assert "warehouses" not in tracked
    assert sum(w["warehouse_stock_on_hand"] for w in detail["warehouses"]) == tracked["stock_on_hand"]


class TestErrors:
    async def test_missing_organization_id_is_400_code_2(self, client: httpx.AsyncClient, token: str) -> None:
        """No organization_id: HTTP 400 "Invalid value passed for organization_id"."""
        reply = await client.get("/books/v3/items", headers={"Authorization": f"Zoho-oauthtoken {token}"})
        assert reply.status_code == 400
        assert reply.json() == {"code": 2, "message": "Invalid value passed for organization_id"}

    async def test_wrong_organization_id_is_400(self, client: httpx.AsyncClient, token: str) -> None:
        """Another organisation's id is refused the same way."""
        reply = await Books(client, token, "999999").get("/items")
        assert (reply.status_code, reply.json()["code"]) == (400, 2)

    async def test_organizations_are_listed_without_an_organization_id(
        self, client: httpx.AsyncClient, token: str, emulator: Emulator
    ) -> None:
        """GET /organizations is the one call that needs no organization_id."""
        reply = await client.get(
            "/books/v3/organizations", headers={"Authorization": f"Zoho-oauthtoken {token}"}
        )
        orgs = reply.json()["organizations"]
        assert [o["organization_id"] for o in orgs] == [emulator.options.organization_id]

    @pytest.mark.parametrize(
        ("path", "message"),
        [
            ("/invoices/4600000000000000001", "Invoice does not exist."),
            ("/customerpayments/4600000000000000001", "Payment does not exist."),
            ("/items/4600000000000000001", "Item does not exist."),
        ],
    )
    async def test_unknown_record_is_404_code_1002(self, books: Books, path: str, message: str) -> None:
        """A missing id answers HTTP 404 {"code":1002,"message":"<X> does not exist."}."""
        reply = await books.get(path)
        assert (reply.status_code, reply.json()) == (404, {"code": 1002, "message": message})

    async def test_unknown_path_is_404_code_5(self, books: Books) -> None:
        """A path Books does not have is "Invalid URL Passed", not a missing record."""
        reply = await books.get("/nonsense")
        assert (reply.status_code, reply.json()["code"]) == (404, 5)

    async def test_writes_are_405_code_37(
        self, client: httpx.AsyncClient, token: str, emulator: Emulator
    ) -> None:
        """The emulator's Books API is read-only: other methods answer code 37."""
        reply = await client.post(
            "/books/v3/invoices",
            params={"organization_id": emulator.options.organization_id},
            headers={"Authorization": f"Zoho-oauthtoken {token}"},
        )
        assert (reply.status_code, reply.json()["code"]) == (405, 37)


class TestPagingAndFilters:
    async def test_walking_pages_lists_every_record_once(self, books: Books, emulator: Emulator) -> None:
        """has_more_page stays true until the last page; together the pages hold every id once."""
        seen: list[str] = []
        page = 1
        while True:
            body = (await books.get("/items", page=page, per_page=25)).json()
            seen += [r["item_id"] for r in body["items"]]
            assert body["page_context"]["page"] == page
            if not body["page_context"]["has_more_page"]:
                break
            page += 1
        assert page == 3
        assert sorted(seen) == sorted(r["item_id"] for r in emulator.store.rows("item"))

    async def test_per_page_above_200_is_capped(
        self, client: httpx.AsyncClient, token: str, emulator: Emulator
    ) -> None:
        """per_page=500 gives 200 rows and says so."""
        emulator.reseed(3, DatasetSizes.from_counts(items=250, contacts=4, invoices=2))
        body = (
            await Books(client, token, emulator.options.organization_id).get("/items", per_page=500)
        ).json()
        assert len(body["items"]) == 200
        assert body["page_context"]["per_page"] == 200
        assert body["page_context"]["has_more_page"] is True

    async def test_last_modified_time_lists_only_later_invoices(
        self, books: Books, client: httpx.AsyncClient
    ) -> None:
        """After an edit, an incremental list from just before it returns the edited invoice."""
        invoice_id = (await books.get("/invoices", per_page=1)).json()["invoices"][0]["invoice_id"]
        edited = (
            await client.patch(f"/__emulator__/records/invoice/{invoice_id}", json={"fields": {"notes": "x"}})
        ).json()
        stamp = edited["changes"][0]["last_modified_time"]
        body = (await books.get("/invoices", last_modified_time=stamp)).json()
        assert [r["invoice_id"] for r in body["invoices"]] == [invoice_id]

    async def test_sort_by_last_modified_time_ascending_is_echoed(self, books: Books) -> None:
        """sort_column/sort_order are honoured and reported in page_context."""
        body = (await books.get("/contacts", sort_column="last_modified_time", sort_order="A")).json()
        assert body["page_context"]["sort_column"] == "last_modified_time"
        assert body["page_context"]["sort_order"] == "A"
