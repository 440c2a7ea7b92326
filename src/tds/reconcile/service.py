"""Reconciliation runs: list Zoho, read the ERP, compare, store the report, and repair through the queue.

A run costs one API call per list page; a repair adds one detail call per record that is missing or
changed in Zoho (records changed in the ERP are re-applied from their stored `raw`, with no call).
The ERP side follows the profile (entities/target.py): renamed tables, an ERP's own tables (their
sync state), and entities the profile does not sync, whose runs end as `skipped`.
Repairs never write the ERP: they are inbox records with source `reconcile`, queued like webhooks
and applied by the same handlers, which compare every column for them (see entities/versioning.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tds.config import ReconcileSettings
from tds.entities.catalog import ENTITY_NAMES, EntitySpec, get
from tds.entities.handler import REPAIR_SOURCE, Action
from tds.entities.mapping import map_record
from tds.entities.target import ErpTarget
from tds.errors import PermanentHandlerError
from tds.inbox.records import IncomingRecord
from tds.inbox.service import InboxService
from tds.pull.ports import PageLike, ZohoReader
from tds.reconcile.compare import Difference, StoredRecord, compare
from tds.reconcile.reports import ReportRepository, RunCounts
from tds.reconcile.repository import (
    IntegrityRepository,
    ReconcileErpRepository,
    Violation,
    entity_tables,
)

log = logging.getLogger(__name__)

Progress = Callable[[str], None]


@dataclass
class ReconcileResult:
    """One finished run: its id, status, counts and differences."""

    run_id: int
    entity: str
    status: str = "running"
    counts: RunCounts = field(default_factory=RunCounts)
    differences: list[Difference] = field(default_factory=list)
    error: str | None = None


class CountingReader:
    """The Zoho client, counting the requests a run makes."""

    def __init__(self, client: ZohoReader) -> None:
        self.client = client
        self.calls = 0

    async def list_page(self, entity: str, page: int, per_page: int) -> PageLike:
        self.calls += 1
        return await self.client.list_page(entity, page, per_page)

    async def get(self, entity: str, record_id: str) -> dict[str, Any]:
        self.calls += 1
        return await self.client.get(entity, record_id)


class ReconcileService:
    """Runs reconciliations; built once per process (holds only its collaborators)."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        client: ZohoReader,
        inbox: InboxService,
        target: ErpTarget,
        settings: ReconcileSettings | None = None,
    ) -> None:
        self.sessions = sessions
        self.client = client
        self.inbox = inbox
        self.target = target
        self.settings = settings or ReconcileSettings()

    async def start_run(self, entity: str, repair: bool) -> int:
        async with self.sessions() as session, session.begin():
            return await ReportRepository(session).start(entity, repair)

    async def run(
        self,
        entity: str,
        repair: bool = False,
        run_id: int | None = None,
        on_progress: Progress | None = None,
    ) -> ReconcileResult:
        """Compares one entity record by record and stores the report; errors end the run as failed."""
        spec = get(entity)
        run_id = run_id if run_id is not None else await self.start_run(spec.name, repair)
        result = ReconcileResult(run_id, spec.name)
        reader = CountingReader(self.client)
        say = on_progress or (lambda _message: None)
        if self.target.sync_mode(spec.name) is None:
            result.status, result.error = "skipped", f"the ERP profile does not sync {spec.name}"
            say(f"{spec.name}: skipped: {result.error}")
            async with self.sessions() as session, session.begin():
                await ReportRepository(session).finish(run_id, "skipped", result.counts, result.error)
            return result
        try:
            await self._compare_and_store(spec, repair, reader, result, say)
            result.status = "succeeded"
        except Exception as exc:  # the run's boundary: any failure ends the run with its reason
            log.exception("reconcile run %s (%s) failed", run_id, spec.name)
            result.status, result.error = "failed", f"{type(exc).__name__}: {exc}"
            result.counts.api_calls = reader.calls
            async with self.sessions() as session, session.begin():
                await ReportRepository(session).finish(run_id, "failed", result.counts, result.error)
        return result

    async def _compare_and_store(
        self, spec: EntitySpec, repair: bool, reader: CountingReader, result: ReconcileResult, say: Progress
    ) -> None:
        listed = await self._list_all(spec, reader, say)
        # Records the profile writes nowhere (vendors, where it maps customers only) are not missing;
        # only an entity whose targets depend on the record's table needs its rows mapped to tell.
        if self.target.chooses_by_table(spec.name):
            written = self.target.has_target
            listed = {k: row for k, row in listed.items() if written(spec.name, _table_of(spec, row))}
        async with self.sessions() as session:
            erp = ReconcileErpRepository(session, self.target.tables)
            if self.target.sync_mode(spec.name) == "tds":
                # The ERP's own tables: its constraints keep their integrity, not the checks below.
                stored, violations = await erp.synced_records(self.target, spec.name), []
            else:
                stored = await erp.records(spec.name)
                integrity = IntegrityRepository(session, self.target.tables)
                violations = await integrity.violations(spec.name, self._in_default_tables())
        differences = compare(spec, listed, stored, entity_tables(spec.name).children)
        differences += [_invalid(spec, violation) for violation in violations]
        counts = result.counts
        counts.zoho_records = len(listed)
        counts.erp_records = sum(1 for record in stored.values() if not record.is_deleted)
        counts.count(differences)
        say(f"{spec.name}: {len(listed)} in Zoho, {counts.erp_records} in the ERP, {len(differences)} differ")
        repairs = await self._repairs(spec, differences, stored, reader, result.run_id) if repair else []
        counts.api_calls = reader.calls
        await self._store(result, differences, repairs)
        result.differences = differences
        if repair:
            say(f"{spec.name}: {counts.repaired} repairs queued")

    def _in_default_tables(self) -> frozenset[str]:
        """The entities kept in tables of the default schema's shape (`sync: columns`)."""
        return frozenset(e for e in ENTITY_NAMES if self.target.sync_mode(e) == "columns")

    async def _list_all(
        self, spec: EntitySpec, reader: CountingReader, say: Progress
    ) -> dict[str, Mapping[str, Any]]:
        listed: dict[str, Mapping[str, Any]] = {}
        page_no = 1
        while True:
            page = await reader.list_page(spec.name, page_no, self.settings.per_page)
            for row in page.records:
                listed[str(row[spec.id_field])] = row
            if not (page.has_more and page.records):
                return listed
            say(f"{spec.name}: listed {len(listed)} records ({page_no} pages)")
            page_no += 1

    async def _repairs(
        self,
        spec: EntitySpec,
        differences: Sequence[Difference],
        stored: Mapping[str, StoredRecord],
        reader: CountingReader,
        run_id: int,
    ) -> list[tuple[Difference, IncomingRecord]]:
        """One inbox record per repairable difference (detail calls only where Zoho holds the truth)."""
        repairs: list[tuple[Difference, IncomingRecord]] = []
        for difference in differences:
            record = await self._repair_record(spec, difference, stored, reader, str(run_id))
            if record is not None:
                repairs.append((difference, record))
        return repairs

    async def _repair_record(
        self,
        spec: EntitySpec,
        difference: Difference,
        stored: Mapping[str, StoredRecord],
        reader: CountingReader,
        key: str,
    ) -> IncomingRecord | None:
        if difference.kind == "deleted":
            if self.settings.deleted.get(spec.name, "mark") != "mark":
                return None
            payload = {spec.id_field: difference.zoho_id}
            return _incoming(spec, payload, key, "delete")
        if difference.kind == "drift" and difference.origin == "erp":
            raw = stored[difference.zoho_id].raw
            return _incoming(spec, dict(raw or {}), key)
        if difference.kind in ("missing", "drift"):
            try:
                return _incoming(spec, await reader.get(spec.name, difference.zoho_id), key)
            except Exception as exc:  # one record's failure leaves it reported, not repaired
                log.warning("reconcile: cannot fetch %s %s: %s", spec.name, difference.zoho_id, exc)
        return None

    async def _store(
        self,
        result: ReconcileResult,
        differences: Sequence[Difference],
        repairs: Sequence[tuple[Difference, IncomingRecord]],
    ) -> None:
        """Queues the repairs and stores the report in one transaction."""
        async with self.sessions() as session, session.begin():
            accepted = await self.inbox.accept_many(session, [record for _, record in repairs])
            queued = {
                f"{d.kind}:{d.zoho_id}": f"{r.action} event {a.event_id}"
                for (d, r), a in zip(repairs, accepted, strict=True)
            }
            result.counts.repaired = len(queued)
            reports = ReportRepository(session)
            await reports.add_differences(result.run_id, differences, queued)
            await reports.finish(result.run_id, "succeeded", result.counts)


def _incoming(
    spec: EntitySpec, payload: dict[str, Any], key: str, action: Action = "upsert"
) -> IncomingRecord:
    """A repair: a fresh idempotency key (the run), so a version the inbox already holds is queued again."""
    record = IncomingRecord.from_record(spec, payload, source=REPAIR_SOURCE, action=action)
    return replace(record, repair_key=key)


def _invalid(spec: EntitySpec, violation: Violation) -> Difference:
    """An integrity violation, reported (never repaired: the fix is in Zoho or in another entity)."""
    detail = {"check": violation.check, **violation.found}
    return Difference(spec.name, violation.zoho_id, "invalid", violation.fields, detail)


def _table_of(spec: EntitySpec, row: Mapping[str, Any]) -> str | None:
    """The logical table a listed record heads for (customers or vendors), None when it cannot tell."""
    try:
        return map_record(spec.name, row).table
    except PermanentHandlerError:
        return None
