"""The stock refresh: one item's detail from Zoho, applied through the inbox like any other record.

The detail goes the way every record goes (inbox, queue, the item's handler) rather than into the
stock table directly: the same mapping turns its `warehouses[]`/`locations[]` into stock rows,
the same version and content rules apply (a detail whose stock did not move is dropped by the inbox
as a duplicate; one at the same `last_modified_time` with new stock updates just the stock), the
audit trail records it, a profile writes stock wherever it puts it, and the worker applies it in
order with the item's other events, so a refresh can never overwrite a newer webhook.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from tds.entities.catalog import get
from tds.errors import ZohoNotFound
from tds.followups.kinds import Followup
from tds.followups.service import StoreStep
from tds.inbox.records import IncomingRecord
from tds.inbox.service import InboxService

log = logging.getLogger(__name__)

SOURCE = "followup"  # the inbox source of records fetched by follow-ups


class DetailReader(Protocol):
    async def get(self, entity: str, record_id: str) -> dict[str, Any]: ...


class StockRefresh:
    """A FollowupWork: fetches the item's detail and hands it to the inbox when it commits."""

    def __init__(self, client: DetailReader, inbox: InboxService, again_after_s: float) -> None:
        self.client = client
        self.inbox = inbox
        self.again_after_s = again_after_s

    async def __call__(self, followup: Followup) -> StoreStep | None:
        try:
            record = await self.client.get(followup.entity, followup.zoho_id)
        except ZohoNotFound:
            # Deleted in Zoho: nothing to refresh; the delete reaches the ERP by webhook or reconciliation.
            log.info("stock refresh of %s %s: Zoho no longer has it", followup.entity, followup.zoho_id)
            return None
        incoming = IncomingRecord.from_record(get(followup.entity), record, source=SOURCE)

        async def store(session: AsyncSession) -> None:
            await self.inbox.accept_many(session, [incoming])

        return store
