"""The ERP target of an installation: its profile, compiled once into tables, plans and handlers.

`build_target(settings.erp)` is the one place a profile becomes handlers: `sync: columns`
entities (the default `erp.*` schema) get the RecordHandler of handlers.py over the renamed tables,
`sync: tds` entities the ProfiledHandler over their compiled plan, and entities the profile leaves
out a handler that completes their events without writing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from tds.config import ErpMappingSettings
from tds.entities.catalog import ENTITY_NAMES
from tds.entities.handler import EntityEvent, EntityHandler, Outcome
from tds.entities.handlers import SPECS, RecordHandler
from tds.entities.naming import ErpTables, build_erp_tables
from tds.entities.profile.compiled import EntityPlan, compile_entity
from tds.entities.profile.loader import load_profile
from tds.entities.profile.model import Profile
from tds.entities.profile.native import native_names
from tds.entities.profiled import ProfiledHandler
from tds.entities.shadow import shadowed
from tds.errors import ConfigurationError

log = logging.getLogger(__name__)
SPEC_BY_ENTITY = {spec.entity: spec for spec in SPECS}
TEMPLATE_NAME = re.compile(r"\{([^{}]+)\}")
# What an item's stock is made of: its mapped stock columns and child rows, and the Zoho fields.
STOCK_SOURCES = frozenset(
    {
        "stock_levels",
        "stock_on_hand",
        "available_stock",
        "actual_available_stock",
        "committed_stock",
        "warehouses",
        "locations",
    }
)


class NotInProfile:
    """The handler of an entity the profile does not list: its events complete, nothing is written."""

    def __init__(self, entity: str) -> None:
        self.entity = entity

    async def __call__(self, session: AsyncSession, events: Sequence[EntityEvent]) -> list[Outcome]:
        log.debug(
            "%d %s event(s) not written: the ERP profile has no %s", len(events), self.entity, self.entity
        )
        return [Outcome.NOT_IN_PROFILE] * len(events)


@dataclass(frozen=True)
class ErpTarget:
    """The profile and what it compiled to (built once per process)."""

    profile: Profile
    tables: ErpTables
    plans: Mapping[str, EntityPlan]
    handlers: Mapping[str, EntityHandler]

    def has_target(self, entity: str, table: str | None) -> bool:
        """Whether the profile writes a record of `entity` headed for logical `table` (a vendor, where
        the profile maps customers only, has none); None (the record cannot tell) counts as written."""
        plan = self.plans.get(entity)
        if plan is None:
            return self.sync_mode(entity) is not None
        return table is None or any(t.when is None or t.when == table for t in plan.targets)

    def chooses_by_table(self, entity: str) -> bool:
        """Whether the entity's targets depend on the record's table (`when:`), so that some of its
        records may have none; otherwise has_target needs no record to answer."""
        plan = self.plans.get(entity)
        return plan is not None and any(t.when is not None for t in plan.targets)

    def written_tables(self) -> list[str]:
        """Every ERP table (schema.name) the profile writes: target and child tables, sorted."""
        found: set[str] = set()
        for entity, spec in self.profile.entities.items():
            if spec.sync == "columns":
                record = SPEC_BY_ENTITY[entity]
                logical = (*record.tables, *(child.table for child in record.children))
                found.update(self.tables.qualified_name(name) for name in logical)
        for plan in self.plans.values():
            for target in plan.targets:
                found.add(target.table.name)
                found.update(child.table.name for child in target.children)
        return sorted(found)

    def sync_mode(self, entity: str) -> str | None:
        """`columns`, `tds`, or None for an entity the profile does not list."""
        spec = self.profile.entities.get(entity)
        return None if spec is None else spec.sync

    @property
    def written(self) -> frozenset[str]:
        """The entities the profile writes."""
        return frozenset(entity for entity in ENTITY_NAMES if self.sync_mode(entity) is not None)

    def writes_stock(self) -> bool:
        """Whether an item's stock reaches the ERP: the default schema's `stock_levels` (and item
        columns), or a `sync: tds` item column or child table made from stock."""
        mode = self.sync_mode("item")
        if mode != "tds":
            return mode is not None
        plan = self.plans["item"]
        if "stock_levels" in plan.child_collections:
            return True
        tables = [t.table for t in plan.targets] + [c.table for t in plan.targets for c in t.children]
        sources = [column.source for table in tables for column in table.written]
        names = [n for s in sources for n in (*s.from_, *TEMPLATE_NAME.findall(s.template or ""))]
        return any(_stock_source(name) for name in names)


def _stock_source(name: str) -> bool:
    """`stock_on_hand`, `zoho.warehouses.0.x` or `parent.available_stock` name stock; `rate` does not."""
    parts = name.split(".")
    if parts[0] in ("zoho", "parent") and len(parts) > 1:
        parts = parts[1:]
    return parts[0] in STOCK_SOURCES


def _check_entities(profile: Profile) -> None:
    unknown = sorted(set(profile.entities) - set(ENTITY_NAMES))
    if unknown:
        known = ", ".join(ENTITY_NAMES)
        raise ConfigurationError(
            f"ERP profile: unknown entities {unknown} (known: {known})", setting="erp.profile"
        )


def compile_target(profile: Profile, remaps: ErpMappingSettings) -> ErpTarget:
    """Compiles `profile`; `remaps` are the `erp.*` settings (renames of the default profile)."""
    _check_entities(profile)
    default_tables = {spec.entity: spec.tables[0] for spec in SPECS}
    tables = build_erp_tables(native_names(profile, default_tables, remaps))
    plans: dict[str, EntityPlan] = {}
    handlers: dict[str, EntityHandler] = {}
    for entity in ENTITY_NAMES:
        spec = profile.entities.get(entity)
        record_spec = SPEC_BY_ENTITY[entity]
        if spec is None:
            handlers[entity] = NotInProfile(entity)
        elif spec.sync == "columns":
            handlers[entity] = RecordHandler(record_spec, tables)
        else:
            plans[entity] = compile_entity(profile, entity, spec, record_spec.tables)
            handlers[entity] = ProfiledHandler(plans[entity])
    return ErpTarget(profile, tables, plans, handlers)


def build_target(settings: ErpMappingSettings) -> ErpTarget:
    """The target `settings` names: `erp.profile`, else the packaged default profile.

    Raises:
        ConfigurationError: the profile cannot be read or does not follow the format.
    """
    return compile_target(load_profile(settings), settings)


def build_handlers(erp: ErpMappingSettings) -> dict[str, EntityHandler]:
    """One handler per catalog entity, as the ERP profile `erp` says; each in shadow when `erp.shadow`."""
    handlers = dict(build_target(erp).handlers)
    return shadowed(handlers) if erp.shadow else handlers
