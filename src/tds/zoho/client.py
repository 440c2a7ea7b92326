"""The Zoho Books API client: list pages, walk them safely, fetch records and item images.

Incremental listing (`modified_since`): where the catalog marks `incremental_filter`, Zoho filters
with `last_modified_time=<yyyy-MM-ddTHH:mm:ss+0000>` (assumed `>=`); for every entity whose rows
carry `last_modified_time`, the list is sorted by it ascending (`sort_column=last_modified_time`,
`sort_order=A`) so callers can stop or filter client-side where Zoho ignores the filter. Entities
without `last_modified_time` (price books, warehouses, users) are listed whole. `extra_params` are
applied last and may override any of these.
"""

from __future__ import annotations

import logging
import random
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx

from tds.config import ZohoSettings
from tds.entities import catalog
from tds.entities.catalog import EntitySpec
from tds.errors import ZohoError, ZohoNotFound
from tds.zoho.auth import TokenObserver, ZohoAuth
from tds.zoho.clock import Clock, SystemClock
from tds.zoho.ratelimit import BudgetStore, BudgetUsage, DailyBudget, InMemoryBudgetStore, RateLimiter
from tds.zoho.requester import Reply, Requester
from tds.zoho.responses import ZohoStats

log = logging.getLogger(__name__)

MAX_PER_PAGE = 200
# Zoho's documented concurrency: 10 calls in flight per organization (5 on the Free plan).
DEFAULT_MAX_CONCURRENCY = 10
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S+0000"


@dataclass(frozen=True)
class Page:
    """One page of a list endpoint."""

    records: list[dict[str, Any]]
    has_more: bool
    page: int


class ZohoClient:
    """An async Zoho Books client for one organization; share one instance per process."""

    def __init__(
        self,
        settings: ZohoSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
        budget_store: BudgetStore | None = None,
        token_observer: TokenObserver | None = None,
        rng: random.Random | None = None,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
    ) -> None:
        self.settings = settings
        self.clock = clock or SystemClock()
        self.stats = ZohoStats()
        self._http = httpx.AsyncClient(transport=transport, timeout=httpx.Timeout(settings.timeout_s))
        self.auth = ZohoAuth(settings, self._http, self.clock, stats=self.stats, observer=token_observer)
        self.limiter = RateLimiter(settings.requests_per_minute, self.clock)
        self.budget = DailyBudget(
            budget_store or InMemoryBudgetStore(), settings.daily_request_budget, self.clock
        )
        self._requester = Requester(
            settings,
            self._http,
            self.auth,
            self.limiter,
            self.budget,
            self.clock,
            stats=self.stats,
            rng=rng or random.Random(),
            max_concurrency=max_concurrency,
        )

    async def __aenter__(self) -> ZohoClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def list_page(
        self,
        entity: str | EntitySpec,
        page: int = 1,
        per_page: int = MAX_PER_PAGE,
        modified_since: datetime | None = None,
        extra_params: Mapping[str, str] | None = None,
    ) -> Page:
        """One page of an entity's list (1-based); `per_page` is capped at 200."""
        spec = resolve_entity(entity)
        params = list_params(spec, page, per_page, modified_since, extra_params)
        reply = await self._requester.send("GET", spec.list_path, params)
        return _page_from(spec, reply, page)

    async def iter_pages(
        self,
        entity: str | EntitySpec,
        *,
        per_page: int = MAX_PER_PAGE,
        modified_since: datetime | None = None,
        extra_params: Mapping[str, str] | None = None,
        start_page: int = 1,
    ) -> AsyncIterator[Page]:
        """Every non-empty page until `has_more_page` is false.

        Zoho's `has_more_page` has been seen to lie; the walk also stops, with a warning, on an
        empty page or on a page whose ids repeat the previous page's.
        """
        spec = resolve_entity(entity)
        previous_ids: list[str] | None = None
        number = start_page
        while True:
            page = await self.list_page(spec, number, per_page, modified_since, extra_params)
            ids = [str(record.get(spec.id_field)) for record in page.records]
            if not ids:
                if page.has_more:
                    log.warning("Zoho %s page %d is empty but claims more pages; stopping", spec.name, number)
                return
            if ids == previous_ids:
                log.warning("Zoho %s page %d repeats page %d; stopping", spec.name, number, number - 1)
                return
            yield page
            if not page.has_more:
                return
            previous_ids = ids
            number += 1

    async def get(self, entity: str | EntitySpec, record_id: str) -> dict[str, Any]:
        """One record's detail, unwrapped from its detail key; ZohoNotFound when it does not exist."""
        spec = resolve_entity(entity)
        path = spec.detail_path(quote(str(record_id), safe=""))
        body = _json(await self._requester.send("GET", path), path)
        record = body.get(spec.detail_key)
        if not isinstance(record, dict):
            raise ZohoError(f"GET {path}: the answer has no {spec.detail_key!r} object")
        return record

    async def get_item_image(self, item_id: str) -> bytes | None:
        """The item's image bytes; None when the item has no image (or no longer exists)."""
        path = resolve_entity("item").detail_path(quote(str(item_id), safe="")) + "/image"
        try:
            reply = await self._requester.send("GET", path)
        except ZohoNotFound:
            return None
        if reply.body is not None or not reply.content:
            return None
        return reply.content

    async def budget_usage(self) -> BudgetUsage:
        """Today's share of the daily call budget: used and left."""
        return await self.budget.usage()


def resolve_entity(entity: str | EntitySpec) -> EntitySpec:
    if isinstance(entity, EntitySpec):
        return entity
    spec = catalog.lookup(entity)
    if spec is None:
        raise ValueError(f"unknown Zoho entity {entity!r}")
    return spec


def format_timestamp(moment: datetime) -> str:
    """A moment as Zoho's filter wants it, in UTC: `2024-05-01T00:00:00+0000`."""
    if moment.tzinfo is None:
        raise ValueError("modified_since must be timezone-aware")
    return moment.astimezone(UTC).strftime(TIMESTAMP_FORMAT)


def list_params(
    spec: EntitySpec,
    page: int,
    per_page: int,
    modified_since: datetime | None,
    extra_params: Mapping[str, str] | None,
) -> dict[str, str]:
    """The query of one list call (organization_id is added by the requester)."""
    if page < 1 or per_page < 1:
        raise ValueError("page and per_page start at 1")
    params = {"page": str(page), "per_page": str(min(per_page, MAX_PER_PAGE))}
    if modified_since is not None and spec.has_last_modified:
        params |= {"sort_column": "last_modified_time", "sort_order": "A"}
        if spec.incremental_filter:
            params["last_modified_time"] = format_timestamp(modified_since)
    return params | dict(extra_params or {})


def _json(reply: Reply, path: str) -> dict[str, Any]:
    if reply.body is None:
        raise ZohoError(f"GET {path}: the answer is not a JSON object", http_status=reply.status)
    return reply.body


def _page_from(spec: EntitySpec, reply: Reply, number: int) -> Page:
    body = _json(reply, spec.list_path)
    records = body.get(spec.list_key)
    if not isinstance(records, list):
        raise ZohoError(f"GET {spec.list_path}: the answer has no {spec.list_key!r} list")
    context = body.get("page_context")
    has_more = isinstance(context, dict) and context.get("has_more_page") is True
    return Page(records=[r for r in records if isinstance(r, dict)], has_more=has_more, page=number)
