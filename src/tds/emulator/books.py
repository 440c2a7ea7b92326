"""The Books v3 resources: list and detail answers for every catalog entity, plus organisations."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from tds.emulator.images import image_for
from tds.emulator.listing import list_page
from tds.emulator.options import EmulatorOptions
from tds.emulator.responses import BAD_METHOD, BAD_URL, ZohoAnswer, success
from tds.emulator.shapes import Record
from tds.emulator.store import Store
from tds.entities.catalog import ENTITIES, EntitySpec

_BY_LIST_PATH = {spec.list_path: spec for spec in ENTITIES}
_PERSONS = re.compile(r"/contacts/([^/]+)/contactpersons(?:/([^/]+))?")
_IMAGE = re.compile(r"/items/([^/]+)/image")

Handler = Callable[[Mapping[str, str]], tuple[Record, bool]]


class BooksApi:
    """Answers GET requests on `/books/v3/...` from the store (paths relative to `/books/v3`)."""

    def __init__(self, store: Store, options: EmulatorOptions) -> None:
        self.store = store
        self.options = options

    @staticmethod
    def needs_organization(path: str) -> bool:
        """Every call carries `organization_id` except listing the organisations themselves."""
        return _normalise(path) != "/organizations"

    def answer(self, method: str, path: str, query: Mapping[str, str]) -> tuple[Record, bool]:
        """The success body and whether it is a list page; raises ZohoAnswer for errors."""
        path = _normalise(path)
        handler = self._resolve(path)
        if method != "GET":
            raise ZohoAnswer.of(405, BAD_METHOD)
        return handler(query)

    def image(self, method: str, path: str) -> bytes | None:
        """`GET /items/{item_id}/image`: the PNG, or None when `path` is not an image path.

        An item without an image, or no item, answers Zoho's 1002 "does not exist" (404).
        """
        found = _IMAGE.fullmatch(_normalise(path))
        if found is None or method != "GET":
            return None
        item = self.store.live("item", found.group(1))
        if item is None or not item.get("image_document_id"):
            raise ZohoAnswer.missing("item")
        return image_for(str(item["image_document_id"]))

    def _resolve(self, path: str) -> Handler:
        if path == "/organizations":
            return lambda q: (success("organizations", [self.organization()]), True)
        if path == f"/organizations/{self.options.organization_id}":
            return lambda q: (success("organization", self.organization()), False)
        if path == "/users/me":
            return lambda q: (success("user", self._current_user()), False)
        listed = _BY_LIST_PATH.get(path)
        if listed is not None:
            return lambda q: (self._list(listed, q), True)
        persons = _PERSONS.fullmatch(path)
        if persons:
            return lambda q: (self._persons(persons.group(1), persons.group(2)), persons.group(2) is None)
        parent, _, record_id = path.rpartition("/")
        spec = _BY_LIST_PATH.get(parent)
        if spec is not None and record_id:
            return lambda q: (self._detail(spec, record_id), False)
        raise ZohoAnswer.of(404, BAD_URL)

    def _list(self, spec: EntitySpec, query: Mapping[str, str]) -> Record:
        return list_page(spec, self.store.rows(spec.name), query, self.options.max_per_page)

    def _detail(self, spec: EntitySpec, record_id: str) -> Record:
        record = self.store.live(spec.name, record_id)
        if record is None:
            raise ZohoAnswer.missing(spec.name)
        return success(spec.detail_key, record)

    def _persons(self, contact_id: str, person_id: str | None) -> Record:
        contact = self.store.live("contact", contact_id)
        if contact is None:
            raise ZohoAnswer.missing("contact")
        persons: list[Record] = contact["contact_persons"]
        if person_id is None:
            body = success("contact_persons", persons)
            body["page_context"] = {"page": 1, "per_page": 200, "has_more_page": False}
            return body
        found = next((p for p in persons if p["contact_person_id"] == person_id), None)
        if found is None:
            raise ZohoAnswer.missing("contact_person")
        return success("contact_person", found)

    def _current_user(self) -> Record:
        users = self.store.rows("user")
        current = next((u for u in users if u["is_current_user"]), users[0] if users else None)
        if current is None:
            raise ZohoAnswer.missing("user")
        return current

    def organization(self) -> Record:
        o = self.options
        return {
            "organization_id": o.organization_id,
            "name": o.organization_name,
            "contact_name": "مدير النظام",
            "email": "admin@example.com",
            "is_default_org": True,
            "plan_type": 7,
            "plan_name": "Professional",
            "plan_period": "yearly",
            "language_code": "ar",
            "fiscal_year_start_month": 0,
            "account_created_date": "2024-01-01",
            "time_zone": "Asia/Baghdad",
            "is_org_active": True,
            "currency_id": self.store.factory.currencies["IQD"][0],
            "currency_code": "IQD",
            "currency_symbol": "IQD",
            "currency_format": "###,###,###.##",
            "price_precision": 2,
            "country": "Iraq",
            "state": "Baghdad",
            "version": "global",
            "mode": "production",
        }


def _normalise(path: str) -> str:
    return "/" + path.strip("/")
