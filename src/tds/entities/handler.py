"""The contract between the worker and the entity handlers (no I/O of its own)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:  # the contract stays importable by pure code (versioning.py uses Outcome)
    from sqlalchemy.ext.asyncio import AsyncSession

Action = Literal["upsert", "delete"]
# The source of events queued by reconciliation repairs: applied by comparing every column with the
# stored row rather than trusting the stored content hash (the ERP row may have been edited directly).
REPAIR_SOURCE = "reconcile"
# The source of events queued by `tds erp reapply`: a record's last payload again, written through the
# running profile even where the record is what was last applied (see entities/reapply.py).
REAPPLY_SOURCE = "reapply"
# The sources whose events rewrite a record's rows instead of trusting its stored input hash.
REWRITE_SOURCES = frozenset({REPAIR_SOURCE, REAPPLY_SOURCE})


@dataclass(frozen=True)
class EntityEvent:
    """One claimed job, as a handler sees it: the unwrapped Zoho record and what to do with it."""

    job_id: int
    inbox_event_id: int
    entity: str
    entity_id: str
    action: Action
    payload: dict[str, Any]
    source: str
    source_modified_at: datetime | None = None


class Outcome(StrEnum):
    """What applying one event did to the ERP."""

    INSERTED = "inserted"
    UPDATED = "updated"
    DELETED = "deleted"
    UNCHANGED = "unchanged"  # same content hash: nothing written
    STALE = "stale"  # older than the stored version: skipped and logged
    NOT_IN_PROFILE = "not_in_profile"  # the profile writes no such record (an unlisted entity, a vendor
    # where it maps customers only): completed, nothing written


class EntityHandler(Protocol):
    """Applies a batch of events of one entity inside the caller's transaction.

    The batch holds at most one event per record (the queue guarantees it). The handler writes the
    ERP rows and their audit rows, never commits, and returns one outcome per event, in order.
    Raising fails the whole batch; the worker then retries the events one by one.
    """

    async def __call__(self, session: AsyncSession, events: Sequence[EntityEvent]) -> list[Outcome]: ...


def unwrapped(handler: object) -> object:
    """The handler a wrapper (shadow mode, stock-refresh scheduling) runs: wrappers keep it in `inner`.
    What the worker asks of the real handler (its conflict keys, an explanation) is asked of this."""
    while (inner := getattr(handler, "inner", None)) is not None:
        handler = inner
    return handler
