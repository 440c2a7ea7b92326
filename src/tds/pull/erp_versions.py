"""SQL: the versions the ERP already holds for pulled records, read from the entities' header tables."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import ARRAY, Select, Table, Text, any_, bindparam, not_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tds.entities.handlers import SPECS
from tds.entities.naming import ErpTables

_IDS = bindparam("ids", type_=ARRAY(Text))
_HEADER_TABLES: dict[str, tuple[str, ...]] = {spec.entity: spec.tables for spec in SPECS}


@cache
def _select_versions(table: Table) -> Select[Any]:
    """Live rows of a batch of ids and their version (a soft-deleted row holds no live version)."""
    return select(table.c.zoho_id, table.c.source_modified_at).where(
        table.c.zoho_id == any_(_IDS), not_(table.c.is_deleted)
    )


class ErpVersionRepository:
    """Reads, in a short session of its own, which version of each record the ERP holds."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], tables: ErpTables) -> None:
        self.sessions = sessions
        self.tables = tables

    async def versions(self, entity: str, ids: Sequence[str]) -> dict[str, datetime | None]:
        """{zoho_id: source_modified_at} of the live ERP rows among `ids` (absent ids: not held)."""
        found: dict[str, datetime | None] = {}
        if not ids:
            return found
        async with self.sessions() as session:
            for logical in _HEADER_TABLES[entity]:
                result = await session.execute(_select_versions(self.tables[logical]), {"ids": list(ids)})
                found.update({row[0]: row[1] for row in result})
        return found
