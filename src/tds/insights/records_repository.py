"""SQL behind the records page: one Zoho id's inbox events, jobs, ERP rows and audit trail."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from tds.db.schema import tds_text

# The newest inbox events of one Zoho id (optionally of one entity), through ix_tds_inbox_events_entity_id.
EVENTS_SQL = tds_text("""
SELECT id, source, entity, action, status, received_at, processed_at, source_modified_at, error
FROM tds.tds_inbox_events
WHERE entity_id = :zoho_id AND (CAST(:entity AS text) IS NULL OR entity = CAST(:entity AS text))
ORDER BY id DESC LIMIT :limit
""")

# The jobs of those events, newest first.
JOBS_SQL = tds_text("""
SELECT id, inbox_event_id, entity, status, attempts, max_attempts, created_at, finished_at, last_error
FROM tds.tds_sync_queue WHERE inbox_event_id = ANY(CAST(:event_ids AS bigint[])) ORDER BY id DESC LIMIT :limit
""")

# The audit trail of one record, newest first (ix_tds_audit_trail_entity).
AUDIT_SQL = tds_text("""
SELECT id, erp_table, action, before, after, changed_fields, changed_at, queue_job_id, source
FROM tds.tds_audit_trail WHERE entity = :entity AND entity_id = :zoho_id ORDER BY changed_at DESC, id DESC
LIMIT :limit
""")


class RecordsRepository:
    """Read-only record lookups, through one session."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def events(self, zoho_id: str, entity: str | None, limit: int) -> list[dict[str, Any]]:
        return await self._all(EVENTS_SQL, {"zoho_id": zoho_id, "entity": entity, "limit": limit})

    async def jobs(self, event_ids: Sequence[int], limit: int) -> list[dict[str, Any]]:
        return await self._all(JOBS_SQL, {"event_ids": list(event_ids), "limit": limit})

    async def audit(self, entity: str, zoho_id: str, limit: int) -> list[dict[str, Any]]:
        return await self._all(AUDIT_SQL, {"entity": entity, "zoho_id": zoho_id, "limit": limit})

    async def erp_row(self, table: Table, zoho_id: str) -> dict[str, Any] | None:
        """The ERP row with this Zoho id, keyed by logical column names (the table may be remapped)."""
        row = (await self.session.execute(select(table).where(table.c.zoho_id == zoho_id))).mappings().first()
        return None if row is None else {column.key: row[column] for column in table.columns}

    async def _all(self, statement: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
        return [dict(row) for row in (await self.session.execute(statement, params)).mappings()]
