"""SQL: the versions the ERP already holds for pulled records, read from the entities' header tables
(or, for an entity a profile writes into an ERP's own tables, from its sync state in tds_erp_versions)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import ARRAY, Select, Table, Text, any_, bindparam, not_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tds.entities.handlers import SPECS
from tds.entities.models import ErpVersion
from tds.entities.target import ErpTarget

_IDS = bindparam("ids", type_=ARRAY(Text))
_HEADER_TABLES: dict[str, tuple[str, ...]] = {spec.entity: spec.tables for spec in SPECS}
_STATES: Table = ErpVersion.__table__  # type: ignore[assignment]
_SELECT_SYNCED = select(_STATES.c.zoho_id, _STATES.c.source_modified_at).where(
    _STATES.c.entity == bindparam("entity"), _STATES.c.zoho_id == any_(_IDS), not_(_STATES.c.is_deleted)
)


@cache
def _select_versions(table: Table) -> Select[Any]:
    """Live rows of a batch of ids and their version (a soft-deleted row holds no live version)."""
    return select(table.c.zoho_id, table.c.source_modified_at).where(
        table.c.zoho_id == any_(_IDS), not_(table.c.is_deleted)
    )


class ErpVersionRepository:
    """Reads, in a short session of its own, which version of each record the ERP holds."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], target: ErpTarget) -> None:
        self.sessions = sessions
        self.target = target

    async def versions(self, entity: str, ids: Sequence[str]) -> dict[str, datetime | None]:
        """{zoho_id: source_modified_at} of the live ERP rows among `ids` (absent ids: not held)."""
        found: dict[str, datetime | None] = {}
        mode = self.target.sync_mode(entity)
        if not ids or mode is None:  # an entity the profile does not sync: the ERP holds none of it
            return found
        async with self.sessions() as session:
            if mode == "tds":
                result = await session.execute(_SELECT_SYNCED, {"entity": entity, "ids": list(ids)})
                return {row[0]: row[1] for row in result}
            for logical in _HEADER_TABLES[entity]:
                stmt = _select_versions(self.target.tables[logical])
                result = await session.execute(stmt, {"ids": list(ids)})
                found.update({row[0]: row[1] for row in result})
        return found
