"""Pull sync: walks a Zoho Books list endpoint page by page and enqueues every record via the inbox.

Two modes. **full** pages by number (`page=1..n`) and stores `next_page` after each page, so an
interrupted run resumes where it stopped; when it completes, it sets the incremental watermark to its
own start time (less an overlap), so changes made during the full run are caught next time.
**incremental** is keyset paging on `last_modified_time`: it asks for records modified at or after the
watermark, sorted ascending, and moves the watermark to the last record of each page, in the same
transaction that enqueued the page. Records on the boundary come again and are dropped by the inbox's
idempotency key, so overlap costs nothing and a gap cannot open. Entities whose list endpoint has no
server-side filter are scanned whole and filtered here; entities without `last_modified_time` (price
lists, warehouses, users) are always scanned whole, and the inbox drops what did not change.

Detail calls are spent only where list rows lack what the mapping needs, and only for records the
ERP does not already hold at the listed version (details.py). Before each page the run checks the
day's API budget: when the page could leave less than `budget_reserve` calls, plus one for each
follow-up that comes before pull pages (a stock refresh waiting for its call), the run stops as
`paused`, its cursor in place, and the next run (the scheduler's, the next day) continues there.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tds.db.engine import run_transaction
from tds.entities.catalog import EntitySpec, get
from tds.followups.kinds import Priority
from tds.inbox.records import IncomingRecord
from tds.inbox.service import InboxService
from tds.inbox.timeparse import parse_zoho_time
from tds.pull.budget import budget_note
from tds.pull.details import Completed, DetailFetcher, KnownVersions
from tds.pull.ports import (
    FollowupDemand,
    Mode,
    PageHook,
    ProgressCallback,
    PullOptions,
    RunTotals,
    ZohoReader,
)
from tds.pull.repository import Cursor, CursorRepository, RunProgress, SyncRunRepository

log = logging.getLogger(__name__)

# Why a walk stopped before its end (None: it reached the end).
Stop = Literal["cancelled", "paused"] | None
WATERMARK_OVERLAP = timedelta(minutes=10)
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


class PullService:
    """Runs sync runs; each page is enqueued, counted and its cursor moved in one transaction."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        client: ZohoReader,
        inbox: InboxService,
        options: PullOptions | None = None,
        hooks: Sequence[PageHook] = (),
        known: KnownVersions | None = None,
        followups: FollowupDemand | None = None,
    ) -> None:
        self.sessions = sessions
        self.client = client
        self.inbox = inbox
        self.options = options or PullOptions()
        self.hooks = tuple(hooks)
        self.known = known
        self.followups = followups

    async def start_run(self, entity: str, mode: Mode) -> int:
        async with self.sessions() as session, session.begin():
            return await SyncRunRepository(session).start(get(entity).name, mode)

    async def run(
        self, entity: str, mode: Mode, run_id: int | None = None, on_progress: ProgressCallback | None = None
    ) -> RunTotals:
        """Runs (or continues) one run to its end; returns its totals. Errors end the run as failed."""
        spec = get(entity)
        if run_id is None:
            run_id = await self.start_run(spec.name, mode)
        totals = RunTotals()
        if self.options.synced is not None and spec.name not in self.options.synced:
            # Its records would be fetched (detail calls included) only for the workers to drop them.
            totals.status, totals.note = "skipped", f"the ERP profile does not sync {spec.name}"
            await self._finish(run_id, totals.status, totals.note)
            return totals
        try:
            walk = self._walk_full if mode == "full" or not spec.has_last_modified else self._walk_incremental
            stop = await walk(spec, run_id, totals, on_progress)
            totals.status = stop or "succeeded"
        except asyncio.CancelledError:
            totals.status = "cancelled"
            await self._finish(run_id, "cancelled", "task cancelled")
            raise
        except Exception as exc:  # the run's boundary: any failure ends the run with its reason
            log.exception("sync run %s (%s %s) failed", run_id, spec.name, mode)
            totals.status = "failed"
            await self._finish(run_id, "failed", f"{type(exc).__name__}: {exc}")
            return totals
        await self._finish(run_id, totals.status, totals.note)
        return totals

    async def _walk_full(
        self, spec: EntitySpec, run_id: int, totals: RunTotals, on_progress: ProgressCallback | None
    ) -> Stop:
        async with self.sessions() as session:
            cursor = await CursorRepository(session).get(spec.name, "full")
        page_no = cursor.next_page if cursor and cursor.next_page else 1
        started_at = datetime.now(UTC)
        while True:
            if await self._pause(spec, totals):
                return "paused"
            page = await self.client.list_page(spec.name, page_no, self.options.per_page)
            more = page.has_more and bool(page.records)
            next_cursor = Cursor(spec.name, "full", None, page_no + 1 if more else None, run_id)
            if await self._enqueue_page(spec, run_id, page.records, next_cursor, totals, on_progress):
                return "cancelled"
            if not more:
                break
            page_no += 1
        await self._set_watermark(spec, started_at - WATERMARK_OVERLAP, run_id)
        return None

    async def _walk_incremental(
        self, spec: EntitySpec, run_id: int, totals: RunTotals, on_progress: ProgressCallback | None
    ) -> Stop:
        async with self.sessions() as session:
            cursor = await CursorRepository(session).get(spec.name, "incremental")
        since = cursor.last_modified_at if cursor else None
        if not spec.incremental_filter:
            return await self._scan_filtered(spec, run_id, since, totals, on_progress)
        # The filter also sorts ascending, which keyset paging needs from the very first page.
        since = since or EPOCH
        page_no = 1
        while True:
            if await self._pause(spec, totals):
                return "paused"
            page = await self.client.list_page(
                spec.name, page_no, self.options.per_page, modified_since=since
            )
            rows = _modified_since(page.records, since)
            newest = _newest(rows) or since
            # Keyset: the next request starts at this page's newest record, unless the whole page shares one
            # timestamp (then only a page number can move forward).
            page_no = page_no + 1 if newest == since else 1
            next_cursor = Cursor(spec.name, "incremental", newest, None, run_id)
            if await self._enqueue_page(spec, run_id, rows, next_cursor, totals, on_progress):
                return "cancelled"
            if not (page.has_more and page.records):
                return None
            since = newest

    async def _scan_filtered(
        self,
        spec: EntitySpec,
        run_id: int,
        since: datetime | None,
        totals: RunTotals,
        on_progress: ProgressCallback | None,
    ) -> Stop:
        """No server-side filter: scan every page, keep what changed since the watermark.

        A paused scan starts again from page one next time; its watermark has not moved, and the
        records it already enqueued cost no detail call the second time (the ERP holds them).
        """
        started_at = datetime.now(UTC)
        page_no = 1
        while True:
            if await self._pause(spec, totals):
                return "paused"
            page = await self.client.list_page(spec.name, page_no, self.options.per_page)
            rows = _modified_since(page.records, since)
            keep = Cursor(spec.name, "incremental", since, None, run_id)
            if await self._enqueue_page(
                spec, run_id, rows, keep, totals, on_progress, listed=len(page.records)
            ):
                return "cancelled"
            if not (page.has_more and page.records):
                break
            page_no += 1
        await self._set_watermark(spec, started_at - WATERMARK_OVERLAP, run_id)
        return None

    async def _enqueue_page(
        self,
        spec: EntitySpec,
        run_id: int,
        rows: Sequence[dict[str, Any]],
        cursor: Cursor,
        totals: RunTotals,
        on_progress: ProgressCallback | None,
        listed: int | None = None,
    ) -> bool:
        """Fetches details, then enqueues the page, counts it and moves the cursor in one transaction."""
        done = await self._complete(spec, rows)
        records = done.records
        incoming = [_incoming(spec, record) for record in records]

        async def store(session: AsyncSession) -> tuple[RunProgress, bool]:
            results = await self.inbox.accept_many(session, incoming) if incoming else []
            enqueued = sum(1 for r in results if r.is_new)
            progress = RunProgress(
                pages=1,
                records=listed if listed is not None else len(rows),
                enqueued=enqueued,
                skipped=len(results) - enqueued + done.unchanged,
                failed=done.failed,
            )
            await CursorRepository(session).save(cursor)
            return progress, await SyncRunRepository(session).add_progress(run_id, progress)

        # A webhook batch inserting the same keys in another order can deadlock with this page.
        progress, cancel = await run_transaction(self.sessions, store)
        totals.add(progress)
        for hook in self.hooks:
            await hook.after_page(spec.name, records)
        if on_progress is not None:
            on_progress(run_id, totals)
        return cancel

    async def _complete(self, spec: EntitySpec, rows: Sequence[dict[str, Any]]) -> Completed:
        if not self.options.details:
            return Completed(list(rows))
        fetcher = DetailFetcher(self.client, self.known, self.options.detail_concurrency)
        return await fetcher.complete(spec, rows)

    async def _pause(self, spec: EntitySpec, totals: RunTotals) -> bool:
        """Whether the next page would eat into the budget reserve; notes why on the totals if so."""
        detail = self.options.details and spec.needs_detail
        worst = 1 + (self.options.per_page if detail else 0)
        ahead = await self.followups.calls_ahead_of(Priority.PULL_PAGE) if self.followups else 0
        note = budget_note(await self.client.budget_usage(), self.options.budget_reserve, worst, ahead)
        if note is not None:
            totals.note = note
            log.warning("sync of %s %s", spec.name, note)
        return note is not None

    async def _set_watermark(self, spec: EntitySpec, at: datetime, run_id: int) -> None:
        async with self.sessions() as session, session.begin():
            repo = CursorRepository(session)
            current = await repo.get(spec.name, "incremental")
            if current is None or current.last_modified_at is None or current.last_modified_at < at:
                await repo.save(Cursor(spec.name, "incremental", at, None, run_id))
            full = await repo.get(spec.name, "full")
            if full is not None:
                await repo.save(replace(full, next_page=None))

    async def _finish(self, run_id: int, status: str, error: str | None) -> None:
        async with self.sessions() as session, session.begin():
            await SyncRunRepository(session).finish(run_id, status, error)


def _lmt(record: dict[str, Any]) -> datetime | None:
    return parse_zoho_time(record.get("last_modified_time"))


def _modified_since(rows: Sequence[dict[str, Any]], since: datetime | None) -> list[dict[str, Any]]:
    if since is None:
        return list(rows)
    return [r for r in rows if (t := _lmt(r)) is None or t >= since]


def _newest(rows: Sequence[dict[str, Any]]) -> datetime | None:
    stamps = [t for r in rows if (t := _lmt(r)) is not None]
    return max(stamps) if stamps else None


def _incoming(spec: EntitySpec, record: dict[str, Any]) -> IncomingRecord:
    return IncomingRecord.from_record(spec, record, source="pull")
