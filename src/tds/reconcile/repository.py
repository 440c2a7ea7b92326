"""SQL of reconciliation's ERP side: the stored records of an entity, their child rows, integrity checks.

The one place reconciliation reads ERP tables (through the physical names of the configuration).
Entities a profile writes into an ERP's own tables (`sync: tds`) are read from their sync state in
tds_erp_versions instead: the mapped row and child rows as TDS Core last applied them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from sqlalchemy import Select, Table, and_, bindparam, distinct, func, not_, select
from sqlalchemy.ext.asyncio import AsyncSession

from tds.entities.handlers import SPECS, ChildSpec, RecordSpec
from tds.entities.models import ErpVersion
from tds.entities.naming import ErpTables
from tds.entities.profiled_state import stored_state
from tds.entities.reader import missing_in_erp
from tds.entities.repository import ErpRepository
from tds.entities.target import ErpTarget
from tds.reconcile.compare import StoredRecord

ALL_ENTITIES = frozenset(spec.entity for spec in SPECS)
# Payments of both kinds share one table, told apart by this column.
PAYMENT_KINDS = {"customerpayment": "customer", "vendorpayment": "vendor"}
_NOT_READ = frozenset({"synced_at"})
CHUNK = 1000


@dataclass(frozen=True)
class EntityTables:
    """Where one entity's records are stored: its header tables and child tables (handlers.SPECS)."""

    entity: str
    headers: tuple[str, ...]
    children: tuple[ChildSpec, ...]


def entity_tables(entity: str) -> EntityTables:
    spec: RecordSpec = next(s for s in SPECS if s.entity == entity)
    return EntityTables(entity, spec.tables, spec.children)


@cache
def _select_records(table: Table, kind: str | None) -> Select[Any]:
    columns = [column.label(column.key) for column in table.columns if column.key not in _NOT_READ]
    stmt = select(*columns).order_by(table.c.zoho_id)
    if kind is not None:
        stmt = stmt.where(table.c.payment_kind == kind)
    return stmt


_VERSIONS: Table = ErpVersion.__table__  # type: ignore[assignment]
_SELECT_SYNCED = (
    select(
        _VERSIONS.c.zoho_id,
        _VERSIONS.c.source_modified_at,
        _VERSIONS.c.content_hash,
        _VERSIONS.c.is_deleted,
        _VERSIONS.c.doc,
        _VERSIONS.c["keys"],
    )
    .where(_VERSIONS.c.entity == bindparam("entity"))
    .order_by(_VERSIONS.c.zoho_id)
)


class ReconcileErpRepository:
    """Reads an entity's stored ERP records in the caller's transaction (read-only)."""

    def __init__(self, session: AsyncSession, tables: ErpTables) -> None:
        self.session = session
        self.tables = tables

    async def records(self, entity: str, with_children: bool = True) -> dict[str, StoredRecord]:
        """Every stored record of `entity` (deleted ones too), by id, with its child rows."""
        where = entity_tables(entity)
        found: dict[str, StoredRecord] = {}
        for name in where.headers:
            stmt = _select_records(self.tables[name], PAYMENT_KINDS.get(entity))
            for row in (await self.session.execute(stmt)).mappings():
                header = dict(row)
                raw = header.pop("raw", None)
                found[header["zoho_id"]] = StoredRecord(header["zoho_id"], name, header, raw, {})
        if with_children:
            await self._attach_children(where.children, found)
        return found

    async def synced_records(self, target: ErpTarget, entity: str) -> dict[str, StoredRecord]:
        """Every record of a `sync: tds` entity (deleted ones too), by id, as last applied, and
        whether its rows are still in the ERP's tables. No `raw`: the ERP's own columns are not the
        mapping's, to check them against it."""
        found: dict[str, StoredRecord] = {}
        keys: dict[str, dict[str, list[Any]]] = {}
        result = await self.session.execute(_SELECT_SYNCED, {"entity": entity})
        for state in result.mappings():
            row, children, table = stored_state(dict(state))
            zoho_id = state["zoho_id"]
            found[zoho_id] = StoredRecord(zoho_id, table or "", row or {}, None, children)
            if not state["is_deleted"] and state["keys"]:
                keys[zoho_id] = state["keys"]
        for zoho_id, erp_table in (await missing_in_erp(self.session, target, entity, keys)).items():
            record = found[zoho_id]
            found[zoho_id] = replace(record, row={**record.row, "is_deleted": True}, gone_from=erp_table)
        return found

    async def _attach_children(self, children: Sequence[ChildSpec], found: dict[str, StoredRecord]) -> None:
        reader = ErpRepository(self.session, self.tables)
        ids = sorted(found)
        for child in children:
            for start in range(0, len(ids), CHUNK):
                rows = await reader.children(
                    child.table, child.parent, child.keys, ids[start : start + CHUNK]
                )
                for parent_id, child_rows in rows.items():
                    found[parent_id].children[child.table] = child_rows


@dataclass(frozen=True)
class DocumentTables:
    """A document entity's header and line tables and who it points at (for the integrity checks)."""

    header: str
    lines: str
    party_column: str
    party_table: str


DOCUMENTS: dict[str, DocumentTables] = {
    "invoice": DocumentTables("invoices", "invoice_lines", "customer_zoho_id", "customers"),
    "bill": DocumentTables("bills", "bill_lines", "vendor_zoho_id", "vendors"),
    "creditnote": DocumentTables("credit_notes", "credit_note_lines", "customer_zoho_id", "customers"),
    "salesorder": DocumentTables("sales_orders", "sales_order_lines", "customer_zoho_id", "customers"),
}
# Zoho rounds amounts to the cent: a header within half a cent of its lines' sum is equal.
TOTAL_TOLERANCE = 0.005


@dataclass(frozen=True)
class Violation:
    """One record breaking an integrity rule: which check, the fields concerned, and what was found."""

    zoho_id: str
    check: str
    fields: tuple[str, ...]
    found: dict[str, Any]


class IntegrityRepository:
    """ERP-side integrity checks of one document entity, each one set-based statement (read-only)."""

    def __init__(self, session: AsyncSession, tables: ErpTables) -> None:
        self.session = session
        self.tables = tables

    async def violations(self, entity: str, in_tables: Collection[str] = ALL_ENTITIES) -> list[Violation]:
        """The document checks of `entity`; a reference is checked only where its entity is kept in
        these tables too (`in_tables`: a profile may keep parties or items elsewhere, or not at all)."""
        where = DOCUMENTS.get(entity)
        if where is None:
            return []
        header, lines = self.tables[where.header], self.tables[where.lines]
        party, products = self.tables[where.party_table], self.tables["products"]
        found = await self._orphan_lines(header, lines, where.lines)
        if "contact" in in_tables:
            found += await self._missing_party(header, party, where.party_column)
        if "item" in in_tables:
            found += await self._missing_items(header, lines, products, where.lines)
        found += await self._unequal_totals(header, lines)
        return found

    async def _orphan_lines(self, header: Table, lines: Table, name: str) -> list[Violation]:
        stmt = (
            select(lines.c.document_zoho_id, func.count())
            .outerjoin(header, header.c.zoho_id == lines.c.document_zoho_id)
            .where(header.c.zoho_id.is_(None))
            .group_by(lines.c.document_zoho_id)
        )
        rows = await self.session.execute(stmt)
        return [Violation(doc, "orphan_lines", (name,), {"lines": n}) for doc, n in rows]

    async def _missing_party(self, header: Table, party: Table, column: str) -> list[Violation]:
        live_party = and_(party.c.zoho_id == header.c[column], not_(party.c.is_deleted))
        stmt = (
            select(header.c.zoho_id, header.c[column])
            .outerjoin(party, live_party)
            .where(not_(header.c.is_deleted), header.c[column].is_not(None), party.c.zoho_id.is_(None))
        )
        rows = await self.session.execute(stmt)
        return [Violation(doc, "party_missing", (column,), {column: ref}) for doc, ref in rows]

    async def _missing_items(
        self, header: Table, lines: Table, products: Table, name: str
    ) -> list[Violation]:
        live_item = and_(products.c.zoho_id == lines.c.item_zoho_id, not_(products.c.is_deleted))
        stmt = (
            select(lines.c.document_zoho_id, func.array_agg(distinct(lines.c.item_zoho_id)))
            .join(header, header.c.zoho_id == lines.c.document_zoho_id)
            .outerjoin(products, live_item)
            .where(not_(header.c.is_deleted), lines.c.item_zoho_id.is_not(None), products.c.zoho_id.is_(None))
            .group_by(lines.c.document_zoho_id)
        )
        rows = await self.session.execute(stmt)
        return [Violation(doc, "item_missing", (name,), {"items": sorted(ids)}) for doc, ids in rows]

    async def _unequal_totals(self, header: Table, lines: Table) -> list[Violation]:
        line_sum = func.sum(lines.c.item_total)
        stmt = (
            select(header.c.zoho_id, header.c.sub_total, line_sum)
            .join(lines, lines.c.document_zoho_id == header.c.zoho_id)
            .where(not_(header.c.is_deleted), header.c.sub_total.is_not(None))
            .group_by(header.c.zoho_id, header.c.sub_total)
            .having(func.abs(line_sum - header.c.sub_total) > TOTAL_TOLERANCE)
        )
        rows = await self.session.execute(stmt)
        return [
            Violation(
                doc, "totals_unequal", ("sub_total",), {"sub_total": str(sub), "lines_total": str(total)}
            )
            for doc, sub, total in rows
        ]
