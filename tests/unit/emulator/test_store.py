"""The store and the mutator: versions move forward, changes are announced, randomness is seeded."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from tds.emulator.clock import Clock, parse_ts
from tds.emulator.data import generate
from tds.emulator.mutations import Mutator
from tds.emulator.store import Change, Store
from tds.errors import NotFound
from tests.unit.emulator.conftest import SMALL

OFFSET_RE = re.compile(r".*\+0300$")


def first_id(store: Store, entity: str, id_field: str) -> str:
    return str(store.rows(entity)[0][id_field])


class TestStore:
    def test_edit_stamps_now_in_the_org_offset(self, store: Store, changes: list[Change]) -> None:
        """An edit sets last_modified_time (and updated_time) to now, rendered with +0300."""
        invoice_id = first_id(store, "invoice", "invoice_id")
        store.edit("invoice", invoice_id, {"reference_number": "REF-1"})
        record = store.get("invoice", invoice_id)
        assert record is not None
        assert record["reference_number"] == "REF-1"
        stamp = record["last_modified_time"]
        assert OFFSET_RE.match(stamp)
        assert record["updated_time"] == stamp
        assert abs((parse_ts(stamp) - datetime.now(UTC)).total_seconds()) < 5

    def test_edit_moves_the_version_forward_even_when_the_clock_is_behind(self, store: Store) -> None:
        """A record stamped in the future still gets a later last_modified_time (one second on)."""
        item_id = first_id(store, "item", "item_id")
        store.edit("item", item_id, {"last_modified_time": "2030-01-01T00:00:00+0300"})
        assert store.get("item", item_id)["last_modified_time"] == "2030-01-01T00:00:01+0300"  # type: ignore[index]

    def test_changes_carry_a_detail_snapshot_not_the_live_record(
        self, store: Store, changes: list[Change]
    ) -> None:
        """The announced record is the full record at that moment; later edits do not leak in."""
        invoice_id = first_id(store, "invoice", "invoice_id")
        store.edit("invoice", invoice_id, {"notes": "first"})
        store.edit("invoice", invoice_id, {"notes": "second"})
        assert [c.record["notes"] for c in changes] == ["first", "second"]
        assert changes[0].record["line_items"]
        assert changes[0].event == "edited"
        assert changes[0].spec.module_key == "invoice"

    def test_delete_announces_the_last_state_and_removes_the_record(
        self, store: Store, changes: list[Change]
    ) -> None:
        """After a delete the record is gone; the change holds what it was."""
        payment_id = first_id(store, "customerpayment", "payment_id")
        store.delete("customerpayment", payment_id)
        assert store.get("customerpayment", payment_id) is None
        assert changes[-1].event == "deleted"
        assert changes[-1].record["payment_id"] == payment_id
        assert changes[-1].spec.module_key == "payment"

    def test_editing_a_missing_record_raises_not_found(self, store: Store) -> None:
        """Unknown ids are refused, not created."""
        with pytest.raises(NotFound):
            store.edit("invoice", "1234567890123456", {"notes": "x"})


class TestMutator:
    async def test_mutate_random_creates_edits_and_deletes(self, store: Store, changes: list[Change]) -> None:
        """A batch of random changes has all three kinds, and the store reflects each one."""
        made = await Mutator(store).mutate_random(80)
        assert len(made) >= 80
        assert {c.event for c in made} == {"created", "edited", "deleted"}
        assert changes == made
        final = {(c.entity, c.record_id): c.event for c in made}
        for (entity, record_id), event in final.items():
            assert (store.get(entity, record_id) is None) is (event == "deleted")

    async def test_random_mutations_are_reproducible_for_a_seed(self) -> None:
        """Same seed, same sequence of (entity, event, id) changes."""
        runs = []
        for _ in range(2):
            store = Store(generate(5, SMALL), Clock(180))
            made = await Mutator(store).mutate_random(40)
            runs.append([(c.entity, c.event, c.record_id) for c in made])
        assert runs[0] == runs[1]

    async def test_created_records_are_stamped_now(self, store: Store) -> None:
        """A new invoice is created and last modified now, for an existing customer."""
        (change,) = await Mutator(store).create("invoice")
        record = change.record
        assert record["created_time"] == record["last_modified_time"]
        assert abs((parse_ts(record["created_time"]) - datetime.now(UTC)).total_seconds()) < 5
        assert store.get("contact", record["customer_id"]) is not None

    async def test_an_adjustment_moves_stock_without_stamping_its_items(self, store: Store) -> None:
        """An adjusted inventory adjustment moves its items' warehouse stock, as Zoho may, without a new
        last_modified_time on the items and without announcing them (no item webhook)."""
        before = {item["item_id"]: item for item in store.snapshot("item")["item"]}
        changes = await Mutator(store).create("inventory_adjustment", {"status": "adjusted"})
        assert [c.entity for c in changes] == ["inventory_adjustment"]
        adjustment = changes[0].record
        line = adjustment["line_items"][-1]
        item = store.get("item", line["item_id"])
        assert item is not None
        assert item["last_modified_time"] == before[item["item_id"]]["last_modified_time"]
        stock = next(r for r in item["warehouses"] if r["warehouse_id"] == line["warehouse_id"])
        assert stock["warehouse_stock_on_hand"] >= 0
        assert item["stock_on_hand"] == sum(r["warehouse_stock_on_hand"] for r in item["warehouses"])
        moved = {
            i: store.get("item", i)["stock_on_hand"] - before[i]["stock_on_hand"]  # type: ignore[index]
            for i in {line["item_id"] for line in adjustment["line_items"]}
        }
        assert any(moved.values())

    @pytest.mark.parametrize(("entity", "sign"), [("invoice", -1), ("bill", 1), ("creditnote", 1)])
    async def test_documents_move_the_stock_of_their_lines_silently(
        self, store: Store, entity: str, sign: int
    ) -> None:
        """A sent invoice takes its lines' quantities out of their warehouses, a bill or credit note puts
        them in; the items keep their last_modified_time."""
        item = next(i for i in store.snapshot("item")["item"] if i["warehouses"])
        warehouse = item["warehouses"][0]
        on_hand = 1_000
        store.move_silently("item", item["item_id"], lambda r: _set_on_hand(r, on_hand))
        line = {"item_id": item["item_id"], "warehouse_id": warehouse["warehouse_id"], "quantity": 3}
        status = "open" if entity != "invoice" else "sent"
        await Mutator(store).create(entity, {"status": status, "line_items": [line]})
        after = store.get("item", item["item_id"])
        assert after is not None
        row = next(r for r in after["warehouses"] if r["warehouse_id"] == warehouse["warehouse_id"])
        assert row["warehouse_stock_on_hand"] == on_hand + sign * 3
        assert after["last_modified_time"] == item["last_modified_time"]

    async def test_an_open_sales_order_commits_stock_and_a_draft_moves_none(self, store: Store) -> None:
        """An open sales order commits its quantities (on hand unchanged); a draft invoice moves nothing."""
        item = next(i for i in store.snapshot("item")["item"] if i["warehouses"])
        warehouse_id = item["warehouses"][0]["warehouse_id"]
        store.move_silently("item", item["item_id"], lambda r: _set_on_hand(r, 100))
        line = {"item_id": item["item_id"], "warehouse_id": warehouse_id, "quantity": 4}
        mutator = Mutator(store)
        await mutator.create("salesorder", {"status": "open", "line_items": [line]})
        await mutator.create("invoice", {"status": "draft", "line_items": [line]})
        after = store.get("item", item["item_id"])
        assert after is not None
        row = next(r for r in after["warehouses"] if r["warehouse_id"] == warehouse_id)
        assert row["warehouse_stock_on_hand"] == 100
        assert row["warehouse_committed_stock"] == 4
        assert row["warehouse_actual_available_stock"] == 96

    async def test_random_deletes_spare_contacts_that_documents_use(self, store: Store) -> None:
        """A random contact delete picks one that no document points at (here, a brand-new one)."""
        mutator = Mutator(store)
        await mutator.create("contact")
        (change,) = await mutator.delete("contact")
        used = {r.get("customer_id") for _, r in store.iter_all()} | {
            r.get("vendor_id") for _, r in store.iter_all()
        }
        assert change.record_id not in used

    async def test_new_payments_go_to_active_customers_only(self, store: Store) -> None:
        """With all but one customer inactive, new payments (and their invoices) belong to that one."""
        customers = [c["contact_id"] for c in store.rows("contact") if c["contact_type"] == "customer"]
        for contact_id in customers[1:]:
            store.edit("contact", contact_id, {"status": "inactive"})
        mutator = Mutator(store)
        for _ in range(5):
            (change,) = await mutator.create("customerpayment")
            assert change.record["customer_id"] == customers[0]
            assert all(
                store.live("invoice", row["invoice_id"])["customer_id"] == customers[0]  # type: ignore[index]
                for row in change.record["invoices"]
            )


def _set_on_hand(item: dict[str, object], on_hand: int) -> None:
    for row in item["warehouses"]:  # type: ignore[attr-defined]
        row.update(
            warehouse_stock_on_hand=on_hand,
            warehouse_available_stock=on_hand,
            warehouse_actual_available_stock=on_hand,
            warehouse_committed_stock=0,
        )
