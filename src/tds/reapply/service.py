"""Re-applies the running profile to stored records: each record's last payload queued again.

The records are those of `tds_erp_versions` (live ones), in Zoho-id order, a batch per transaction.
Each batch's payloads (the latest upsert of each record in the inbox) go into the inbox and the
queue as new events of source `reapply`, which the ProfiledHandler writes through the running
profile even where the record is what was last applied. The worker applies them as any other event.

Resumable: the cursor `erp.reapply.<entity>` in tds_configuration holds the profile digest the run
is for and the last Zoho id done, written in each batch's transaction. A run goes on from there
while the profile is the same; a changed profile (another digest) or `restart` starts from the
first record. Records whose payloads retention has pruned from the inbox are counted, not queued:
a full pull (`tds sync <entity>`) brings them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tds.db.engine import transaction
from tds.entities import catalog
from tds.entities.handler import REAPPLY_SOURCE
from tds.inbox.records import IncomingRecord
from tds.inbox.service import InboxService
from tds.reapply.repository import ReapplyRepository

DEFAULT_BATCH_SIZE = 500


def cursor_key(entity: str) -> str:
    return f"erp.reapply.{entity}"


@dataclass(frozen=True)
class ReapplyProgress:
    """Where a re-apply of one entity stands after a batch (counts of this run so far)."""

    entity: str
    queued: int = 0
    missing: int = 0  # records without a payload in the inbox (pruned): not queued
    after: str = ""  # the last Zoho id done
    resumed: bool = False  # went on from an earlier run's cursor


class ReapplyService:
    """Queues stored records of profiled entities again, one transaction per batch."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], inbox: InboxService, digests: Mapping[str, str]
    ) -> None:
        """`digests`: the running profile's digest of each `sync: tds` entity (EntityPlan.digest)."""
        self.sessions = sessions
        self.inbox = inbox
        self.digests = digests

    async def run(
        self,
        entity: str,
        batch_size: int = DEFAULT_BATCH_SIZE,
        *,
        restart: bool = False,
        on_batch: Callable[[ReapplyProgress], None] | None = None,
    ) -> ReapplyProgress:
        """Re-applies every live record of `entity` not yet done under the running profile."""
        digest = self.digests[entity]
        run_key = f"{REAPPLY_SOURCE}:{uuid.uuid4().hex}"  # new idempotency keys: queued even if seen
        async with transaction(self.sessions) as session:
            stored = await ReapplyRepository(session).cursor(cursor_key(entity))
        resumed = not restart and stored is not None and stored.get("digest") == digest
        after = str(stored["after"]) if stored is not None and resumed else ""
        progress = ReapplyProgress(entity, after=after, resumed=resumed)
        while True:
            async with transaction(self.sessions) as session:
                step = await self._batch(session, progress, digest, batch_size, run_key)
            if step is None:
                return progress
            progress = step
            if on_batch is not None:
                on_batch(progress)

    async def _batch(
        self, session: AsyncSession, progress: ReapplyProgress, digest: str, size: int, run_key: str
    ) -> ReapplyProgress | None:
        """Queues the next batch and moves the cursor past it; None when no record is left."""
        repository = ReapplyRepository(session)
        ids = await repository.page(progress.entity, progress.after, size)
        if not ids:
            return None
        payloads = await repository.latest_payloads(progress.entity, ids)
        spec = next(spec for spec in catalog.ENTITIES if spec.name == progress.entity)
        records = [
            replace(IncomingRecord.from_record(spec, payloads[i], source=REAPPLY_SOURCE), repair_key=run_key)
            for i in ids
            if i in payloads
        ]
        await self.inbox.accept_many(session, records)
        cursor = {"digest": digest, "after": ids[-1]}
        await repository.save_cursor(cursor_key(progress.entity), json.dumps(cursor))
        queued, missing = progress.queued + len(records), progress.missing + len(ids) - len(records)
        return replace(progress, queued=queued, missing=missing, after=ids[-1])
