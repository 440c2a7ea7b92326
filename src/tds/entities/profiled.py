"""The handler of a `sync: tds` profile entity: Zoho records into an ERP's own tables, set-based.

The same steps as handlers.py (map, decide by version and content, write, audit), with the sync
state kept in `tds_erp_versions` instead of the ERP's rows. Per batch: one read of the states,
one write of them (guarded like the default upsert), then per target table one upsert (defaults on
insert only, ERP-owned columns never named), one read per foreign key, and the child rows of the
written records replaced (one delete, one insert), all in the caller's transaction.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tds.entities.handler import REWRITE_SOURCES, EntityEvent, Outcome
from tds.entities.handlers import CHILD_IGNORE, Plan, apply_in_rounds, audit_row
from tds.entities.mapping import MappedRecord, Row, payload_hash
from tds.entities.profile.compiled import ChildPlan, EntityPlan, TargetPlan
from tds.entities.profile.expressions import Context
from tds.entities.profiled_repository import ProfiledRepository
from tds.entities.profiled_rows import project, qualified, resolve_keys
from tds.entities.profiled_rows import text as _text
from tds.entities.profiled_state import MAPPING_FINGERPRINT, raw_line, stored_state, unchanged_input
from tds.entities.repository import add_audit
from tds.entities.versioning import Decision, child_changes, decide_delete, decide_upsert, settle

LOOKUP_TTL_S = 60.0


class ProfiledHandler:
    """The EntityHandler of one `sync: tds` entity (see EntityPlan); never commits."""

    def __init__(self, plan: EntityPlan) -> None:
        self.plan = plan
        self.entity = plan.entity
        self._lookup_values: dict[str, Any] | None = None
        self._lookups_read_at = 0.0

    async def __call__(self, session: AsyncSession, events: Sequence[EntityEvent]) -> list[Outcome]:
        repository = ProfiledRepository(session)
        apply = lambda pairs: self._apply(repository, pairs)  # noqa: E731
        return await apply_in_rounds(self.entity, events, apply, self.plan.child_collections)

    async def _apply(
        self, repository: ProfiledRepository, pairs: Sequence[tuple[EntityEvent, MappedRecord]]
    ) -> list[Plan]:
        inputs = {r.zoho_id: self._input_hash(e, r) for e, r in pairs}
        # A repair or re-apply is never told unchanged by its input: its stored document is read anyway.
        known = {r.zoho_id: None if e.source in REWRITE_SOURCES else inputs[r.zoho_id] for e, r in pairs}
        states = await repository.changed_states(self.entity, known)
        plans = [
            Plan(event, record, record.table or "", None, Decision(Outcome.UNCHANGED))
            if unchanged_input(states.get(record.zoho_id), known[record.zoho_id])
            else self._decide(event, record, states.get(record.zoho_id))
            for event, record in pairs
        ]
        written = [p for p in plans if p.decision.writes]
        if written:
            await self._write(repository, written, inputs)
        return plans

    def _input_hash(self, event: EntityEvent, record: MappedRecord) -> str | None:
        """The record as it came: its payload and version, under the mapping code of this release and
        the running profile (None for a delete). The payload as Zoho sent it is plain JSON, so it
        hashes several times faster than the mapped row would, with its Decimals and timestamps."""
        if event.action == "delete":
            return None
        version = record.version or event.source_modified_at
        return payload_hash(event.payload, MAPPING_FINGERPRINT, self.plan.digest, version)

    def _decide(self, event: EntityEvent, record: MappedRecord, state: Row | None) -> Plan:
        stored, stored_children, stored_table = stored_state(state)
        table = record.table or stored_table or self.plan.logical[0]
        if not any(t.when is None or t.when == table for t in self.plan.targets):
            return Plan(event, record, table, stored, Decision(Outcome.NOT_IN_PROFILE))
        version = record.version or event.source_modified_at
        collections = self.plan.child_collections
        # A reconciliation repair rewrites the ERP's rows even where the record is what was last
        # applied: the rows may have been edited or removed in the ERP since. So do a re-apply, and a
        # record whose rows were written under another profile (its mapped row may be the same).
        repair = event.source in REWRITE_SOURCES or (
            state is not None and state["profile_digest"] != self.plan.digest
        )
        if event.action == "delete":
            decision = decide_delete(record, stored, version or datetime.now(UTC))
        else:
            decision = decide_upsert(record, stored, version, collections, verify=repair)
        plan = Plan(event, record, table, stored, decision)
        carried = [name for name in collections if name in record.children]
        if decision.outcome is Outcome.INSERTED:
            plan.child_writes = carried
        elif decision.outcome is Outcome.UPDATED:
            for name in carried:
                old = stored_children.get(name, [])
                if repair or child_changes(record.children[name], old, CHILD_IGNORE):
                    plan.child_writes.append(name)
                    plan.before_children[name] = old
            if repair:
                decision.changed.extend(plan.child_writes)
            else:
                plan.decision = settle(decision, plan.child_writes)
        plan.stored_children = stored_children
        return plan

    async def _write(
        self, repository: ProfiledRepository, plans: list[Plan], inputs: Mapping[str, str | None]
    ) -> None:
        keys = {id(p): self._keys(p) for p in plans}
        for deleting in (False, True):
            group = [p for p in plans if p.deleting is deleting]
            states = [self._state(p, keys[id(p)], inputs[p.record.zoho_id]) for p in group]
            saved = await repository.save_states(states, deleting=deleting)
            for plan in group:
                if plan.record.zoho_id not in saved:
                    plan.decision = Decision(Outcome.STALE, reason="a newer version was written concurrently")
        live = [p for p in plans if p.decision.writes]
        lookups = await self._lookups(repository)
        for target in self.plan.targets:
            mine = [p for p in live if target.when is None or p.table == target.when]
            upserts = [p for p in mine if not p.deleting]
            if upserts:
                await self._upsert(repository, target, upserts, lookups)
            deletes = await self._delete_keys(repository, target, [keys[id(p)] for p in mine if p.deleting])
            if deletes and target.on_delete.action == "delete":
                await repository.delete_rows(target, deletes)
            elif deletes and target.on_delete.action == "set":
                await repository.set_columns(target, deletes, target.on_delete.set)
        audit = [audit_row(self.entity, self._erp_table(p), p) for p in live]
        await add_audit(repository.session, audit)

    async def _delete_keys(
        self, repository: ProfiledRepository, target: TargetPlan, keys: list[dict[str, list[Any]]]
    ) -> list[list[Any]]:
        """The keys of the rows a delete touches, as the table holds them (rows never written: none)."""
        if target.on_delete.action == "keep":
            return []
        found = await resolve_keys(
            repository, target, {str(n): k[target.table.name] for n, k in enumerate(keys)}
        )
        return [key for key in found.values() if key is not None]

    @property
    def conflict_keys(self) -> dict[str, frozenset[str]]:
        """The key each target table is written under (worker/classify.py tells races by it)."""
        return {qualified(t.table.table): frozenset(t.table.key) for t in self.plan.targets}

    def _erp_table(self, plan: Plan) -> str:
        return next(t.table.name for t in self.plan.targets if t.when is None or plan.table == t.when)

    async def _lookups(self, repository: ProfiledRepository) -> dict[str, Any]:
        """The look-up defaults, read at most once per LOOKUP_TTL_S (they name reference rows such as
        a default category, which an ERP hardly ever changes); a look-up that found nothing is read
        again at the next batch."""
        now = time.monotonic()
        if self._lookup_values is None or now - self._lookups_read_at > LOOKUP_TTL_S:
            values = {
                lookup.model_dump_json(): await repository.lookup(lookup) for lookup in self.plan.lookups
            }
            found = all(value is not None for value in values.values())
            self._lookup_values, self._lookups_read_at = (values if found else None), now
            return values
        return self._lookup_values

    async def _upsert(
        self, repository: ProfiledRepository, target: TargetPlan, plans: list[Plan], lookups: dict[str, Any]
    ) -> None:
        contexts = [Context(p.record.zoho_id, p.decision.row or {}, p.record.raw) for p in plans]
        rows = await project(repository, self.entity, target.table.written, contexts, lookups)
        returned = await repository.upsert(target, rows)
        by_key = {tuple(_text(row[k]) for k in target.table.key): row for row in returned}
        for plan, row in zip(plans, rows, strict=True):
            written = by_key.get(tuple(_text(row[k]) for k in target.table.key))
            # no sync state, but the ERP held the row (by its Zoho id): written over, not inserted
            if (
                written is not None
                and not written["tds_inserted"]
                and plan.decision.outcome is Outcome.INSERTED
            ):
                plan.decision.outcome = Outcome.UPDATED
        for child in target.children:
            writing = [
                (p, ctx, row)
                for p, ctx, row in zip(plans, contexts, rows, strict=True)
                if child.of in p.child_writes
            ]
            await self._children(repository, target, child, writing, by_key, lookups)

    async def _children(
        self,
        repository: ProfiledRepository,
        target: TargetPlan,
        child: ChildPlan,
        writing: list[tuple[Plan, Context, Row]],
        by_key: dict[tuple[str | None, ...], Row],
        lookups: dict[str, Any],
    ) -> None:
        """Replaces the child rows of the written parents (the ERP's own rows among them too)."""
        parents: list[Any] = []
        contexts: list[Context] = []
        owners: list[Any] = []
        for plan, _ctx, row in writing:
            returned = by_key.get(tuple(_text(row[k]) for k in target.table.key))
            if returned is None:  # the table's version guard refused the parent row
                continue
            parent = returned[child.parent_key]
            if not returned["tds_inserted"]:  # a row just inserted has no child rows to replace
                parents.append(parent)
            for line in plan.record.children[child.of]:
                raw = raw_line(plan.record.raw, line)
                contexts.append(Context(plan.record.zoho_id, line, raw, plan.decision.row))
                owners.append(parent)
        rows = await project(repository, self.entity, child.table.written, contexts, lookups)
        for row, parent in zip(rows, owners, strict=True):
            row[child.parent] = parent
        await repository.replace_children(child, parents, rows)

    def _keys(self, plan: Plan) -> dict[str, list[Any]]:
        """The natural key of the record in each target it belongs to (from the row as it will be)."""
        row = (plan.stored or {}) if plan.deleting else (plan.decision.row or {})
        ctx = Context(plan.record.zoho_id, row, plan.record.raw)
        found: dict[str, list[Any]] = {}
        for target in self.plan.targets:
            if target.when is None or plan.table == target.when:
                columns = {c.name: c for c in target.table.columns}
                found[target.table.name] = [_text(columns[k].compute(ctx)) for k in target.table.key]
        return found

    def _state(self, plan: Plan, keys: dict[str, list[Any]], input_hash: str | None) -> Row:
        row = dict(plan.decision.row or {})
        children = dict(plan.stored_children)
        children.update({name: plan.record.children[name] for name in plan.child_writes})
        return {
            "entity": self.entity,
            "zoho_id": plan.record.zoho_id,
            "source_modified_at": row.get("source_modified_at"),
            "content_hash": plan.decision.content_hash,
            "input_hash": input_hash,
            "profile_digest": self.plan.digest,
            "is_deleted": plan.deleting,
            "deleted_at": datetime.now(UTC) if plan.deleting else None,
            "doc": {"table": plan.table, "row": row, "children": children},
            "keys": keys,
        }
