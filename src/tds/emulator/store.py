"""The emulator's in-memory Zoho organisation: records by entity, changed only through this store.

Every change bumps the record's `last_modified_time` (never backwards) and is announced to the
subscribers (the webhook sender) as a `Change` carrying the detail-shaped record, or its last
state for a delete. The exception is a side effect of another record (stock an invoice moves):
Zoho may change an item's stock without stamping the item, and `move_silently` does the same.
Mutations are serialised by one asyncio lock; readers run between awaits, so a list page always
sees one consistent state.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from tds.emulator.clock import Clock, format_display_date, next_modified, parse_ts
from tds.emulator.data import Dataset, Factory, Record
from tds.entities import catalog
from tds.errors import NotFound

Event = Literal["created", "edited", "deleted"]
Edit = Mapping[str, Any] | Callable[[Record], None]


@dataclass(frozen=True)
class Change:
    """One mutation: what happened to which record, and the record as it then was."""

    entity: str
    event: Event
    record_id: str
    record: Record
    at: datetime

    @property
    def spec(self) -> catalog.EntitySpec:
        return catalog.get(self.entity)


class Store:
    """Records of every catalog entity, by id, in creation order."""

    def __init__(self, dataset: Dataset, clock: Clock) -> None:
        self.clock = clock
        self._lock = asyncio.Lock()
        self._subscribers: list[Callable[[Change], None]] = []
        self._records: dict[str, dict[str, Record]] = {}
        self.load(dataset)

    def load(self, dataset: Dataset) -> None:
        """Replaces every record with a freshly generated dataset (no changes are announced)."""
        self.factory: Factory = dataset.factory
        self._records = {spec.name: {} for spec in catalog.ENTITIES}
        for name, records in dataset.records.items():
            id_field = catalog.get(name).id_field
            self._records[name] = {r[id_field]: r for r in records}

    def subscribe(self, callback: Callable[[Change], None]) -> None:
        self._subscribers.append(callback)

    # -- reading --------------------------------------------------------------------------------

    def rows(self, entity: str) -> list[Record]:
        """The live records of an entity; callers read them before their next await, never write."""
        return list(self._records[entity].values())

    def live(self, entity: str, record_id: str) -> Record | None:
        return self._records[entity].get(record_id)

    def get(self, entity: str, record_id: str) -> Record | None:
        """A copy of one record, or None when it does not exist (or was deleted)."""
        record = self._records[entity].get(record_id)
        return copy.deepcopy(record) if record is not None else None

    def entities(self) -> list[str]:
        return list(self._records)

    def count(self, entity: str) -> int:
        return len(self._records[entity])

    def snapshot(self, entity: str | None = None) -> dict[str, list[Record]]:
        """Deep copies of the current records (all entities, or one) for tests to compare against."""
        names = [entity] if entity else list(self._records)
        return {name: copy.deepcopy(self.rows(name)) for name in names}

    def iter_all(self) -> Iterator[tuple[str, Record]]:
        for name, records in self._records.items():
            for record in records.values():
                yield name, record

    # -- writing --------------------------------------------------------------------------------

    @asynccontextmanager
    async def locked(self) -> AsyncIterator[None]:
        """Holds the mutation lock across a multi-step change (an adjustment and its stock edits)."""
        async with self._lock:
            yield

    def create(self, entity: str, record: Record) -> Change:
        """Adds a record (its id field must be set); call inside `locked()`."""
        record_id = record[catalog.get(entity).id_field]
        self._records[entity][record_id] = record
        return self._announce(entity, "created", record_id, record)

    def edit(self, entity: str, record_id: str, change: Edit) -> Change:
        """Applies field values or an in-place function, then bumps `last_modified_time`."""
        record = self._require(entity, record_id)
        if callable(change):
            change(record)
        else:
            record.update(copy.deepcopy(dict(change)))
        self._touch(record)
        return self._announce(entity, "edited", record_id, record)

    def move_silently(self, entity: str, record_id: str, change: Callable[[Record], None]) -> None:
        """Changes a record in place with no new `last_modified_time` and no announcement (no webhook)."""
        change(self._require(entity, record_id))

    def delete(self, entity: str, record_id: str) -> Change:
        record = self._require(entity, record_id)
        del self._records[entity][record_id]
        return self._announce(entity, "deleted", record_id, record)

    def _require(self, entity: str, record_id: str) -> Record:
        record = self._records[entity].get(record_id)
        if record is None:
            raise NotFound(f"{entity} {record_id} does not exist", entity=entity, record_id=record_id)
        return record

    def _touch(self, record: Record) -> None:
        if "last_modified_time" not in record:
            return
        stamp = next_modified(record["last_modified_time"], self.clock.now(), self.clock.zone)
        record["last_modified_time"] = stamp
        if "updated_time" in record:
            record["updated_time"] = stamp
        if "last_modified_time_formatted" in record:
            record["last_modified_time_formatted"] = format_display_date(parse_ts(stamp).date())

    def _announce(self, entity: str, event: Event, record_id: str, record: Record) -> Change:
        change = Change(entity, event, record_id, copy.deepcopy(record), self.clock.now())
        for callback in self._subscribers:
            callback(change)
        return change
