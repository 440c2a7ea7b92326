"""SQL of `tds erp reapply`: the records of an entity page by page, their last payloads, the cursor."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tds.db.schema import tds_text

# The next page of live records of one entity after a Zoho id, in id order (the primary key's order).
PAGE_SQL = tds_text(
    """
    SELECT zoho_id FROM tds.tds_erp_versions
    WHERE entity = :entity AND NOT is_deleted AND zoho_id > :after
    ORDER BY zoho_id LIMIT :limit
    """
)
# The payload of each record's latest upsert in the inbox: by version, then as received (a late
# delivery of an older version is not the record's latest state).
LATEST_PAYLOADS_SQL = tds_text(
    """
    SELECT DISTINCT ON (entity_id) entity_id, payload FROM tds.tds_inbox_events
    WHERE entity = :entity AND entity_id = ANY(CAST(:ids AS text[]))
      AND action = 'upsert' AND payload IS NOT NULL AND status <> 'rejected'
    ORDER BY entity_id, source_modified_at DESC NULLS LAST, received_at DESC, id DESC
    """
)
# A re-apply's cursor (see service.py), one row per entity in tds_configuration.
READ_CURSOR_SQL = tds_text("SELECT value FROM tds.tds_configuration WHERE key = :key")
# Writes a re-apply's cursor.
WRITE_CURSOR_SQL = tds_text(
    """
    INSERT INTO tds.tds_configuration AS c (key, value, description, updated_at)
    VALUES (:key, CAST(:value AS jsonb), :description, now())
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()
    """
)
CURSOR_DESCRIPTION = "tds erp reapply: the profile digest and the last Zoho id re-applied under it"


class ReapplyRepository:
    """Reads records and payloads and keeps the cursor, in the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def page(self, entity: str, after: str, limit: int) -> list[str]:
        """The Zoho ids of the next `limit` live records of `entity` after `after`."""
        params = {"entity": entity, "after": after, "limit": limit}
        return list((await self.session.execute(PAGE_SQL, params)).scalars())

    async def latest_payloads(self, entity: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """{Zoho id: payload of its latest upsert} for the ids the inbox still holds one for."""
        rows = await self.session.execute(LATEST_PAYLOADS_SQL, {"entity": entity, "ids": list(ids)})
        return {entity_id: payload for entity_id, payload in rows}

    async def cursor(self, key: str) -> dict[str, Any] | None:
        value = (await self.session.execute(READ_CURSOR_SQL, {"key": key})).scalar()
        return value if isinstance(value, dict) else None

    async def save_cursor(self, key: str, value: str) -> None:
        """Stores the cursor (`value`: its JSON text)."""
        params = {"key": key, "value": value, "description": CURSOR_DESCRIPTION}
        await self.session.execute(WRITE_CURSOR_SQL, params)
