"""Reading back what the ERP holds for one Zoho record, through the profile (for reconciliation).

    target = build_target(settings.erp)                 # once per process
    record = await read_erp_record(session, target, "item", "4600000000100001")
    record.rows      # [ErpRow("shop.products", {...}), ErpRow("shop.product_prices", {...})]
    record.mapped    # the mapped row TDS Core last applied (logical names, as map_record makes it)
    record.version, record.is_deleted

It works the same for the default `erp.*` schema and for an ERP's own tables; nothing is written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tds.entities.mapping import Row
from tds.entities.profiled_repository import ProfiledRepository
from tds.entities.profiled_rows import resolve_key, resolve_keys, text
from tds.entities.profiled_state import revive
from tds.entities.repository import ErpRepository
from tds.entities.target import SPEC_BY_ENTITY, ErpTarget


@dataclass(frozen=True)
class ErpRow:
    """One ERP row: its table (`schema.table`) and its columns (the ERP's names; logical names for
    the default schema, where they are the same)."""

    table: str
    row: Row


@dataclass(frozen=True)
class ErpRecord:
    """What the ERP holds for one Zoho record (`rows` empty when it holds nothing)."""

    entity: str
    zoho_id: str
    rows: list[ErpRow] = field(default_factory=list)
    mapped: Row | None = None
    version: datetime | None = None
    is_deleted: bool = False

    @property
    def found(self) -> bool:
        return bool(self.rows) or self.mapped is not None


async def _native(session: AsyncSession, target: ErpTarget, entity: str, zoho_id: str) -> ErpRecord:
    repository = ErpRepository(session, target.tables)
    for table in SPEC_BY_ENTITY[entity].tables:
        stored = (await repository.stored(table, [zoho_id])).get(zoho_id)
        if stored is not None:
            mapped = {k: v for k, v in stored.items() if k not in ("content_hash",)}
            row = ErpRow(target.tables.qualified_name(table), stored)
            return ErpRecord(
                entity, zoho_id, [row], mapped, stored["source_modified_at"], stored["is_deleted"]
            )
    return ErpRecord(entity, zoho_id)


async def read_erp_record(session: AsyncSession, target: ErpTarget, entity: str, zoho_id: str) -> ErpRecord:
    """The current ERP row(s) of Zoho record `zoho_id` of `entity` (canonical catalog name).

    `sync: columns` entities read the header row by `zoho_id` (child rows are not included);
    `sync: tds` entities read every target table by the natural key the record was written under
    (kept in tds_erp_versions). An entity the profile does not list reads as not found.
    """
    mode = target.sync_mode(entity)
    if mode is None:
        return ErpRecord(entity, zoho_id)
    if mode == "columns":
        return await _native(session, target, entity, zoho_id)
    repository = ProfiledRepository(session)
    state = (await repository.states(entity, [zoho_id])).get(zoho_id)
    if state is None:
        return ErpRecord(entity, zoho_id)
    doc, keys = state["doc"] or {}, state["keys"] or {}
    rows: list[ErpRow] = []
    for plan in target.plans[entity].targets:
        stored_key = keys.get(plan.table.name)
        key = await resolve_key(repository, plan, stored_key) if stored_key is not None else None
        if key is not None:
            found = await repository.rows_by_key(plan.table.name, plan.table.key, [key])
            rows += [ErpRow(plan.table.name, row) for row in found]
    mapped = revive(doc["table"], doc.get("row") or {}) if doc.get("table") else None
    return ErpRecord(entity, zoho_id, rows, mapped, state["source_modified_at"], state["is_deleted"])


async def missing_in_erp(
    session: AsyncSession, target: ErpTarget, entity: str, keys: Mapping[str, Mapping[str, Sequence[Any]]]
) -> dict[str, str]:
    """The records of a `sync: tds` entity whose row is gone from one of their ERP tables (deleted
    there behind the sync's back), as {zoho_id: table}; `keys` are the natural keys each record was
    written under, by table (`tds_erp_versions.keys`). One read per table and foreign key."""
    repository = ProfiledRepository(session)
    gone: dict[str, str] = {}
    for plan in target.plans[entity].targets:
        name = plan.table.name
        wanted = {zoho_id: k[name] for zoho_id, k in keys.items() if name in k and zoho_id not in gone}
        resolved = await resolve_keys(repository, plan, wanted)
        held = [key for key in resolved.values() if key is not None]
        present = await repository.existing_keys(name, plan.table.key, held)
        gone.update(
            {
                zoho_id: name
                for zoho_id, key in resolved.items()
                if key is None or tuple(text(v) for v in key) not in present
            }
        )
    return gone
