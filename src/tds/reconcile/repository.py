"""SQL of reconciliation's ERP side: the stored records of an entity, their child rows, integrity checks.

The one place reconciliation reads ERP tables (through the physical names of the configuration).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Select, Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from tds.entities.handlers import SPECS, RecordSpec
from tds.entities.naming import ErpTables
from tds.entities.repository import ErpRepository
from tds.reconcile.compare import ChildTable, StoredRecord

# Payments of both kinds share one table, told apart by this column.
PAYMENT_KINDS = {"customerpayment": "customer", "vendorpayment": "vendor"}
_NOT_READ = frozenset({"synced_at"})
CHUNK = 1000


@dataclass(frozen=True)
class EntityTables:
    """Where one entity's records are stored: its header tables and child tables (handlers.SPECS)."""

    entity: str
    headers: tuple[str, ...]
    children: tuple[ChildTable, ...]


def entity_tables(entity: str) -> EntityTables:
    spec: RecordSpec = next(s for s in SPECS if s.entity == entity)
    children = tuple(ChildTable(c.table, c.parent, c.keys, c.replace) for c in spec.children)
    return EntityTables(entity, spec.tables, children)


@cache
def _select_records(table: Table, kind: str | None) -> Select[Any]:
    columns = [column.label(column.key) for column in table.columns if column.key not in _NOT_READ]
    stmt = select(*columns).order_by(table.c.zoho_id)
    if kind is not None:
        stmt = stmt.where(table.c.payment_kind == kind)
    return stmt


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

    async def _attach_children(self, children: Sequence[ChildTable], found: dict[str, StoredRecord]) -> None:
        reader = ErpRepository(self.session, self.tables)
        ids = sorted(found)
        for child in children:
            for start in range(0, len(ids), CHUNK):
                rows = await reader.children(
                    child.table, child.parent, child.keys, ids[start : start + CHUNK]
                )
                for parent_id, child_rows in rows.items():
                    found[parent_id].children[child.table] = child_rows
