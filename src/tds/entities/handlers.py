"""The entity handlers: apply a batch of events of one entity to the ERP, set-based.

Per batch, whatever its size: one read of the stored rows (per candidate table), one read of the
stored child rows of updated records, one multi-row upsert, one multi-row soft delete, the child
rows of changed records replaced (one delete, one insert), one multi-row insert into the audit
trail. The decisions in between are versioning.py's pure rules, per event, in Python.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from tds.entities.handler import REPAIR_SOURCE, EntityEvent, Outcome
from tds.entities.mapping import MappedRecord, Row, map_record
from tds.entities.naming import ErpTables
from tds.entities.repository import ErpRepository
from tds.entities.versioning import Decision, child_changes, decide_delete, decide_upsert, settle
from tds.errors import PermanentHandlerError

log = logging.getLogger(__name__)

AUDIT_ACTIONS = {Outcome.INSERTED: "insert", Outcome.UPDATED: "update", Outcome.DELETED: "delete"}
# A child row's own copy of the record version changes with every version; it is not content.
CHILD_IGNORE = frozenset({"source_modified_at"})


@dataclass(frozen=True)
class ChildSpec:
    """Rows hanging off a record: replaced as a set (lines, prices) or upserted by key (stock)."""

    table: str
    parent: str
    keys: tuple[str, ...]
    replace: bool = True


@dataclass(frozen=True)
class RecordSpec:
    """Where an entity's records go: candidate header tables (the first is the default) + children."""

    entity: str
    tables: tuple[str, ...]
    children: tuple[ChildSpec, ...] = ()


def _lines(table: str) -> tuple[ChildSpec, ...]:
    return (ChildSpec(table, "document_zoho_id", ("line_no",)),)


SPECS: tuple[RecordSpec, ...] = (
    RecordSpec(
        "item", ("products",), (ChildSpec("stock_levels", "item_zoho_id", ("warehouse_zoho_id",), False),)
    ),
    RecordSpec("contact", ("customers", "vendors")),
    RecordSpec("invoice", ("invoices",), _lines("invoice_lines")),
    RecordSpec("bill", ("bills",), _lines("bill_lines")),
    RecordSpec("creditnote", ("credit_notes",), _lines("credit_note_lines")),
    RecordSpec("salesorder", ("sales_orders",), _lines("sales_order_lines")),
    RecordSpec("customerpayment", ("payments",)),
    RecordSpec("vendorpayment", ("payments",)),
    RecordSpec(
        "pricebook",
        ("price_lists",),
        (ChildSpec("price_list_items", "price_list_zoho_id", ("item_zoho_id",)),),
    ),
    RecordSpec("inventory_adjustment", ("stock_adjustments",)),
    RecordSpec("warehouse", ("warehouses",)),
    RecordSpec("user", ("users",)),
)


@dataclass(slots=True)
class Plan:
    """One event on its way through a batch."""

    event: EntityEvent
    record: MappedRecord
    table: str
    stored: Row | None
    decision: Decision
    child_writes: list[str] = field(default_factory=list)
    before_children: dict[str, list[Row]] = field(default_factory=dict)
    deleted_at: datetime | None = None
    stored_children: dict[str, list[Row]] = field(default_factory=dict)

    @property
    def deleting(self) -> bool:
        return self.event.action == "delete"


def rounds(records: Sequence[MappedRecord]) -> list[list[int]]:
    """Batch positions split so that no round holds a record twice (normally: one round).

    The queue sends at most one event per record; if it ever sends more, they apply in order
    rather than making one multi-row upsert touch a row twice (which PostgreSQL refuses).
    """
    rounds: list[list[int]] = []
    seen: dict[str, int] = {}
    for position, record in enumerate(records):
        nth = seen.get(record.zoho_id, 0)
        seen[record.zoho_id] = nth + 1
        if nth == len(rounds):
            rounds.append([])
        rounds[nth].append(position)
    return rounds


class RecordHandler:
    """The EntityHandler of one entity (see RecordSpec); never commits."""

    def __init__(self, spec: RecordSpec, tables: ErpTables) -> None:
        self.spec = spec
        self.tables = tables
        self.child_tables = tuple(child.table for child in spec.children)

    async def __call__(self, session: AsyncSession, events: Sequence[EntityEvent]) -> list[Outcome]:
        repository = ErpRepository(session, self.tables)
        apply = lambda pairs: self._apply(repository, pairs)  # noqa: E731
        return await apply_in_rounds(self.spec.entity, events, apply, self.child_tables)

    @property
    def conflict_keys(self) -> dict[str, frozenset[str]]:
        """The key each header table is written under (worker/classify.py tells races by it)."""
        return {
            self.tables.qualified_name(name): frozenset({self.tables[name].c["zoho_id"].name})
            for name in self.spec.tables
        }

    async def _apply(
        self, repository: ErpRepository, pairs: Sequence[tuple[EntityEvent, MappedRecord]]
    ) -> list[Plan]:
        ids = [record.zoho_id for _, record in pairs]
        stored = {table: await repository.stored(table, ids) for table in self.spec.tables}
        plans = [self._decide(event, record, stored) for event, record in pairs]
        await self._compare_children(repository, plans)
        await self._write(repository, plans)
        return plans

    def _decide(self, event: EntityEvent, record: MappedRecord, stored: dict[str, dict[str, Row]]) -> Plan:
        table = record.table or next(
            (name for name in self.spec.tables if record.zoho_id in stored[name]), self.spec.tables[0]
        )
        row = stored[table].get(record.zoho_id)
        version = record.version or event.source_modified_at
        if event.action == "delete":
            decision = decide_delete(record, row, version or datetime.now(UTC))
        else:
            verify = event.source == REPAIR_SOURCE
            decision = decide_upsert(record, row, version, self.child_tables, verify)
        if decision.outcome is Outcome.STALE:
            log.info(
                "stale %s %s skipped (job %s): %s",
                self.spec.entity,
                record.zoho_id,
                event.job_id,
                decision.reason,
            )
        plan = Plan(event, record, table, row, decision)
        if decision.outcome is Outcome.INSERTED or (decision.outcome is Outcome.DELETED and row is None):
            plan.child_writes = [name for name in self.child_tables if name in record.children]
        return plan

    async def _compare_children(self, repository: ErpRepository, plans: list[Plan]) -> None:
        """Reads the stored child rows of updated records and keeps the child tables that changed."""
        for child in self.spec.children:
            updated = [
                p for p in plans if p.decision.outcome is Outcome.UPDATED and child.table in p.record.children
            ]
            if not updated:
                continue
            ids = [p.record.zoho_id for p in updated]
            stored = await repository.children(child.table, child.parent, child.keys, ids)
            for plan in updated:
                new = plan.record.children[child.table]
                old = stored.get(plan.record.zoho_id, [])
                if not child.replace:  # per-key upserts leave other keys alone: compare like with like
                    keys = {tuple(row[k] for k in child.keys) for row in new}
                    old = [row for row in old if tuple(row[k] for k in child.keys) in keys]
                if child_changes(new, old, CHILD_IGNORE):
                    plan.child_writes.append(child.table)
                    plan.before_children[child.table] = old
        for plan in plans:
            plan.decision = settle(plan.decision, plan.child_writes)

    async def _write(self, repository: ErpRepository, plans: list[Plan]) -> None:
        for table in self.spec.tables:
            upserts = [p for p in plans if p.table == table and p.decision.writes and not p.deleting]
            deletes = [p for p in plans if p.table == table and p.decision.writes and p.deleting]
            if upserts:
                written = await repository.upsert(table, [_header(p) for p in upserts])
                self._lost_races(upserts, written)
            if deletes:
                deleted = await repository.mark_deleted(table, [_header(p) for p in deletes])
                for plan in deletes:
                    plan.deleted_at = deleted.get(plan.record.zoho_id)
                self._lost_races(deletes, deleted.keys())
        written_plans = [p for p in plans if p.decision.writes]
        await self._write_children(repository, written_plans)
        table_of = self.tables.qualified_name
        await repository.add_audit([audit_row(self.spec.entity, table_of(p.table), p) for p in written_plans])

    def _lost_races(self, plans: list[Plan], written: Collection[str]) -> None:
        """A row PostgreSQL's version guard refused: a newer version was committed meanwhile."""
        for plan in plans:
            if plan.record.zoho_id not in written:
                plan.decision = Decision(Outcome.STALE, reason="a newer version was written concurrently")
                log.info(
                    "stale %s %s skipped at write: %s",
                    self.spec.entity,
                    plan.record.zoho_id,
                    plan.decision.reason,
                )

    async def _write_children(self, repository: ErpRepository, plans: list[Plan]) -> None:
        for child in self.spec.children:
            targets = [p for p in plans if child.table in p.child_writes]
            if not targets:
                continue
            rows = [row for p in targets for row in p.record.children[child.table]]
            if child.replace:
                # Only a record that had a stored row can have stored children (an insert has none).
                stale = [p.record.zoho_id for p in targets if p.stored is not None]
                await repository.replace_children(child.table, child.parent, stale, rows)
            else:
                await repository.upsert_children(child.table, (child.parent, *child.keys), rows)


async def apply_in_rounds(
    entity: str,
    events: Sequence[EntityEvent],
    apply: Callable[[list[tuple[EntityEvent, MappedRecord]]], Awaitable[list[Plan]]],
    writes: Collection[str] = (),
) -> list[Outcome]:
    """Maps the events, applies them round by round (see `rounds`), and returns their outcomes.
    `writes`: the child tables the handler writes; a record whose part for one of them could not be
    mapped is refused, naming the part (a part no target writes is no reason to refuse it)."""
    records = [map_event(entity, event) for event in events]
    for record in records:
        for part in sorted(set(record.unmapped) & set(writes)):
            raise PermanentHandlerError(
                f"cannot map {entity} {record.zoho_id}: its {part}: {record.unmapped[part]}", part=part
            )
    outcomes = [Outcome.UNCHANGED] * len(events)
    for positions in rounds(records):
        plans = await apply([(events[i], records[i]) for i in positions])
        for position, plan in zip(positions, plans, strict=True):
            outcomes[position] = plan.decision.outcome
    return outcomes


def map_event(entity: str, event: EntityEvent) -> MappedRecord:
    """The event's record, mapped; a delete may carry only its id (in the event, not the payload)."""
    fallback = event.entity_id if event.action == "delete" else None
    return map_record(entity, event.payload or {}, fallback)


def audit_row(entity: str, erp_table: str, plan: Plan) -> Row:
    """The audit trail row of one written plan: before and after, in logical column names."""
    decision = plan.decision
    before: Row | None = None
    if plan.stored is not None:
        before = {k: v for k, v in plan.stored.items() if k not in ("zoho_id", "content_hash")}
        before.update(plan.before_children)
    after: Row = dict(decision.row or {})
    after["is_deleted"], after["deleted_at"] = plan.deleting, plan.deleted_at
    after.update({name: plan.record.children[name] for name in plan.child_writes})
    return {
        "entity": entity,
        "entity_id": plan.record.zoho_id,
        "erp_table": erp_table,
        "action": AUDIT_ACTIONS[decision.outcome],
        "before": before,
        "after": after,
        "changed_fields": decision.changed,
        "inbox_event_id": plan.event.inbox_event_id,
        "queue_job_id": plan.event.job_id,
        "source": plan.event.source,
    }


def _header(plan: Plan) -> Row:
    """The header row as written: the decided columns plus the sync columns."""
    row = dict(plan.decision.row or {})
    row["zoho_id"] = plan.record.zoho_id
    row["content_hash"] = plan.decision.content_hash
    row["raw"] = dict(plan.record.raw) or None
    if not plan.deleting:  # the soft delete statement sets these itself
        row["is_deleted"] = False
        row["deleted_at"] = None
    return row
