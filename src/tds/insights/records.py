"""One record's story for the dashboard: its inbox events, jobs, ERP rows and audit trail, by Zoho id."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tds.entities.catalog import ENTITY_NAMES
from tds.entities.handlers import SPECS
from tds.entities.naming import ErpTables
from tds.insights.queue import AuditChange, audit_change
from tds.insights.records_repository import RecordsRepository

LIMIT = 50
TABLES_BY_ENTITY: dict[str, tuple[str, ...]] = {spec.entity: spec.tables for spec in SPECS}


@dataclass(frozen=True)
class ErpRow:
    """The ERP row of a record in one (logical) table, with its physical name."""

    table: str
    physical: str
    values: dict[str, Any]


@dataclass(frozen=True)
class RecordHistory:
    zoho_id: str
    entities: list[str]
    events: list[dict[str, Any]] = field(default_factory=list)
    jobs: list[dict[str, Any]] = field(default_factory=list)
    erp_rows: list[ErpRow] = field(default_factory=list)
    audit: list[tuple[str, AuditChange]] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.events or self.erp_rows or self.audit)


class RecordInsights:
    """Looks a record up everywhere TDS Core keeps it, through one session."""

    def __init__(self, session: AsyncSession, tables: ErpTables) -> None:
        self.repo = RecordsRepository(session)
        self.tables = tables

    async def history(self, zoho_id: str, entity: str | None = None) -> RecordHistory:
        """Everything about `zoho_id`; with no entity, the entities its events name (or every entity)."""
        events = await self.repo.events(zoho_id, entity, LIMIT)
        entities = [entity] if entity else sorted({e["entity"] for e in events if e["entity"]})
        entities = entities or list(ENTITY_NAMES)
        jobs = await self.repo.jobs([e["id"] for e in events], LIMIT) if events else []
        audit = []
        for name in entities:
            audit += [(name, audit_change(row)) for row in await self.repo.audit(name, zoho_id, LIMIT)]
        audit.sort(key=lambda pair: pair[1].changed_at, reverse=True)
        return RecordHistory(zoho_id, entities, events, jobs, await self._erp_rows(zoho_id, entities), audit)

    async def _erp_rows(self, zoho_id: str, entities: list[str]) -> list[ErpRow]:
        logical = dict.fromkeys(t for name in entities for t in TABLES_BY_ENTITY.get(name, ()))
        found = []
        for table in logical:
            values = await self.repo.erp_row(self.tables[table], zoho_id)
            if values is not None:
                found.append(ErpRow(table, self.tables.qualified_name(table), values))
        return found
