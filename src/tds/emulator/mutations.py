"""Changes over time: create, edit and delete records (chosen or random) through the store."""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping
from typing import Any

from tds.emulator.data.factory import Factory, Pools, Record
from tds.emulator.data.stock import adjust_stock, commit_stock
from tds.emulator.edits import MAKERS, random_edit
from tds.emulator.store import Change, Store
from tds.entities import catalog
from tds.errors import NotFound, TdsError

_OPS = ("create", "edit", "delete")
_OP_WEIGHTS = (3, 6, 1)
_WEIGHTS = {
    "invoice": 25,
    "item": 16,
    "contact": 12,
    "salesorder": 9,
    "bill": 8,
    "customerpayment": 9,
    "creditnote": 4,
    "vendorpayment": 4,
    "inventory_adjustment": 6,
    "pricebook": 2,
    "warehouse": 1,
    "user": 1,
}
# Zoho refuses to delete masters that documents use; random deletes stay within these.
_DELETABLE = (
    "invoice",
    "creditnote",
    "salesorder",
    "bill",
    "customerpayment",
    "vendorpayment",
    "contact",
    "item",
)
_NEEDS = {
    "invoice": "customers",
    "creditnote": "customers",
    "salesorder": "customers",
    "customerpayment": "customers",
    "bill": "vendors",
    "vendorpayment": "vendors",
    "inventory_adjustment": "items",
}
# How a new document moves the stock of its lines' items: on hand by the line quantity times the sign
# (an adjustment by its own `quantity_adjusted`), or committed to a sales order. Drafts and voids move
# nothing, and only an open sales order commits. Zoho may not stamp the items with a new
# `last_modified_time` for it, and neither do we.
_STOCK_SIGN = {"invoice": -1, "bill": 1, "creditnote": 1, "inventory_adjustment": 1}
_COMMITS = ("salesorder",)
_MOVES_NO_STOCK = ("draft", "void")


class CannotMutate(TdsError):
    """The emulator cannot make this change (nothing to point at)."""

    status_code = 400


class Mutator:
    """Makes changes the way users of a Books organisation do; every change goes through the store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def factory(self) -> Factory:
        return self.store.factory

    def pools(self) -> Pools:
        contacts = [c for c in self.store.rows("contact") if c["status"] == "active"]
        return Pools(
            warehouses=self.store.rows("warehouse"),
            users=self.store.rows("user"),
            customers=[c for c in contacts if c["contact_type"] == "customer"],
            vendors=[c for c in contacts if c["contact_type"] == "vendor"],
            items=self.store.rows("item"),
            invoices=self.store.rows("invoice"),
            bills=self.store.rows("bill"),
        )

    async def create(self, entity: str, fields: Mapping[str, Any] | None = None) -> list[Change]:
        """Creates one record of `entity` (random values, `fields` overriding) stamped now."""
        async with self.store.locked():
            pools = self.pools()
            missing = [
                name
                for name in (_NEEDS.get(entity), "warehouses", "users")
                if name and not getattr(pools, name)
            ]
            if missing:
                raise CannotMutate(f"cannot create a {entity}: no {missing[0]} exist")
            self.factory.now = self.store.clock.now()
            record = MAKERS[entity](self.factory, pools, self.store.count(entity))
            record.update(copy.deepcopy(dict(fields or {})))
            changes = [self.store.create(entity, record)]
            self._move_stock(entity, record)
            return changes

    async def edit(
        self, entity: str, record_id: str | None = None, fields: Mapping[str, Any] | None = None
    ) -> list[Change]:
        """Edits a record (a random one when no id; a realistic random edit when no fields)."""
        async with self.store.locked():
            record_id = record_id or self._random_id(entity)
            self.factory.now = self.store.clock.now()
            if fields is not None:
                return [self.store.edit(entity, record_id, fields)]
            edit = random_edit(self.factory, entity)
            return [self.store.edit(entity, record_id, lambda r: edit(self.factory, r))]

    async def delete(self, entity: str, record_id: str | None = None) -> list[Change]:
        """Deletes a record; a random one that no document points at when no id is given."""
        async with self.store.locked():
            return [self.store.delete(entity, record_id or self._random_deletable(entity))]

    async def mutate_random(self, n: int) -> list[Change]:
        """`n` random creates, edits and deletes (3:6:1), weighted towards invoices and items."""
        changes: list[Change] = []
        rng = self.factory.rng
        for _ in range(n):
            op = rng.choices(_OPS, _OP_WEIGHTS)[0]
            pool = _DELETABLE if op == "delete" else tuple(_WEIGHTS)
            entity = rng.choices(pool, [_WEIGHTS[e] for e in pool])[0]
            try:
                changes += await self._run(op, entity)
            except (CannotMutate, NotFound):
                changes += await self.create("contact")
        return changes

    async def _run(self, op: str, entity: str) -> list[Change]:
        if op == "create":
            return await self.create(entity)
        if op == "edit" and self.store.count(entity):
            return await self.edit(entity)
        if op == "delete":
            return await self.delete(entity)
        return await self.create(entity)

    def _random_id(self, entity: str) -> str:
        rows = self.store.rows(entity)
        if not rows:
            raise NotFound(f"no {entity} records exist", entity=entity)
        return str(self.factory.pick(rows)[_id_field(entity)])

    def _random_deletable(self, entity: str) -> str:
        used = self._referenced_ids() if entity in ("contact", "item") else set()
        candidates = [
            r[_id_field(entity)] for r in self.store.rows(entity) if r[_id_field(entity)] not in used
        ]
        if not candidates:
            raise CannotMutate(f"no {entity} can be deleted")
        return str(self.factory.pick(candidates))

    def _referenced_ids(self) -> set[str]:
        """Contact and item ids that some document, price list or adjustment points at."""
        used: set[str] = set()
        for _, record in self.store.iter_all():
            used.update(str(record[k]) for k in ("customer_id", "vendor_id") if k in record)
            for row in (*record.get("line_items", ()), *record.get("pricebook_items", ())):
                used.add(row["item_id"])
        return used

    def _move_stock(self, entity: str, document: Record) -> None:
        """A new document's lines move their items' stock, silently (see `_STOCK_SIGN`)."""
        if entity not in _STOCK_SIGN and entity not in _COMMITS:
            return
        status = document.get("status")
        if status in _MOVES_NO_STOCK or (entity in _COMMITS and status != "open"):
            return
        for line in document.get("line_items", ()):
            warehouse_id = line.get("warehouse_id")
            if not warehouse_id or self.store.live("item", line["item_id"]) is None:
                continue
            move = functools.partial(_move_line, entity=entity, warehouse_id=warehouse_id, line=line)
            self.store.move_silently("item", line["item_id"], move)


def _move_line(item: Record, *, entity: str, warehouse_id: str, line: Record) -> None:
    if entity in _COMMITS:
        commit_stock(item, warehouse_id, int(line["quantity"]))
        return
    quantity = line["quantity_adjusted"] if entity == "inventory_adjustment" else line["quantity"]
    adjust_stock(item, warehouse_id, _STOCK_SIGN[entity] * int(quantity))


def _id_field(entity: str) -> str:
    return catalog.get(entity).id_field
