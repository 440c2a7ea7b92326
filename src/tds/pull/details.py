"""Detail calls of a pull, spent only where they buy something.

A page of list rows becomes the records to enqueue. An entity whose list rows carry everything its
mapping needs (`EntitySpec.list_lacks` empty) costs no detail call at all. For the others, a row
whose `last_modified_time` is the version the ERP already holds is left out: the record did not
change since it was applied, so neither its detail nor its queue job is needed. Only the rest cost
one detail call each.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from tds.entities.catalog import EntitySpec
from tds.inbox.timeparse import parse_zoho_time

log = logging.getLogger(__name__)


class DetailReader(Protocol):
    async def get(self, entity: str, record_id: str) -> dict[str, Any]: ...


class KnownVersions(Protocol):
    """The versions the ERP holds (ErpVersionRepository in production)."""

    async def versions(self, entity: str, ids: Sequence[str]) -> dict[str, datetime | None]: ...


@dataclass
class Completed:
    """A page's records, ready to enqueue, and what it cost."""

    records: list[dict[str, Any]] = field(default_factory=list)
    failed: int = 0
    unchanged: int = 0
    detail_calls: int = 0


class DetailFetcher:
    """Turns list rows into full records with as few detail calls as the data allows."""

    def __init__(self, client: DetailReader, known: KnownVersions | None, concurrency: int) -> None:
        self.client = client
        self.known = known
        self.concurrency = concurrency

    async def complete(self, spec: EntitySpec, rows: Sequence[dict[str, Any]]) -> Completed:
        if not spec.needs_detail or not rows:
            return Completed(list(rows))
        changed = await self._changed(spec, rows)
        done = await self._fetch(spec, changed)
        done.unchanged = len(rows) - len(changed)
        return done

    async def _changed(self, spec: EntitySpec, rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """The rows whose version the ERP does not hold (all rows when versions are unknown)."""
        if self.known is None or not spec.has_last_modified:
            return list(rows)
        held = await self.known.versions(spec.name, [str(r[spec.id_field]) for r in rows])
        return [r for r in rows if not _held(r, held.get(str(r[spec.id_field]), _NOT_HELD))]

    async def _fetch(self, spec: EntitySpec, rows: Sequence[dict[str, Any]]) -> Completed:
        gate = asyncio.Semaphore(self.concurrency)

        async def one(row: dict[str, Any]) -> dict[str, Any]:
            async with gate:
                return await self.client.get(spec.name, str(row[spec.id_field]))

        found = await asyncio.gather(*(one(r) for r in rows), return_exceptions=True)
        records = [r for r in found if isinstance(r, dict)]
        for error in (r for r in found if isinstance(r, BaseException)):
            if not isinstance(error, Exception):
                raise error
            log.warning("detail fetch failed for a %s record: %s", spec.name, error)
        return Completed(records, failed=len(found) - len(records), detail_calls=len(rows))


_NOT_HELD = object()


def _held(row: dict[str, Any], stored: object) -> bool:
    if stored is _NOT_HELD or stored is None:
        return False
    version = parse_zoho_time(row.get("last_modified_time"))
    return version is not None and version == stored
