"""What pull sync takes and gives: the Zoho reader it pages through (a port: the real client or a
fake), hooks run after each page, its options, and a run's totals."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

from tds.pull.repository import RunProgress
from tds.zoho.ratelimit import BudgetUsage

Mode = Literal["full", "incremental"]
ProgressCallback = Callable[[int, "RunTotals"], None]


class PageLike(Protocol):
    @property
    def records(self) -> list[dict[str, Any]]: ...

    @property
    def has_more(self) -> bool: ...


class PageHook(Protocol):
    """Work done after a page is enqueued (image downloads), never failing the run."""

    async def after_page(self, entity: str, records: Sequence[dict[str, Any]]) -> None: ...


class ZohoReader(Protocol):
    """The part of the Zoho client pull sync uses (a port: tests may pass the real client or a fake)."""

    async def list_page(
        self,
        entity: str,
        page: int,
        per_page: int = 200,
        modified_since: datetime | None = None,
        extra_params: Mapping[str, str] | None = None,
    ) -> PageLike: ...

    async def get(self, entity: str, record_id: str) -> dict[str, Any]: ...

    async def budget_usage(self) -> BudgetUsage: ...


class FollowupDemand(Protocol):
    """The follow-ups waiting for Zoho calls ahead of a priority (PostgresFollowupDemand, or a fake)."""

    async def calls_ahead_of(self, priority: int) -> int: ...


@dataclass
class RunTotals(RunProgress):
    """A run's counters so far and its status, as the progress callback and the CLI see them."""

    status: str = "running"
    note: str | None = None  # why the run stopped early (a paused run's budget figures)


@dataclass(frozen=True)
class PullOptions:
    per_page: int = 200
    detail_concurrency: int = 4
    details: bool = True  # fetch details where list rows lack what the mapping needs (catalog)
    budget_reserve: int = 0  # calls of the day's budget a run leaves unspent (it pauses first)
    synced: frozenset[str] | None = None  # the entities the ERP target writes (None: every one)
