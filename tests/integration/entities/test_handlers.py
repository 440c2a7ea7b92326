"""Every entity's handler: insert, update, unchanged, stale, delete, child rows and audit, on PostgreSQL."""

from __future__ import annotations

import pytest

from tds.entities import catalog
from tds.entities.catalog import ENTITY_NAMES
from tds.entities.handler import EntityEvent, Outcome
from tds.entities.mapping import map_record
from tests import zoho_samples as z
from tests.integration.entities.conftest import children_of, delete_of, make_event, table_of, version_of

WITH_CHILDREN = [entity for entity in ENTITY_NAMES if children_of(entity)]


def _changed(entity: str) -> tuple[str, object]:
    """The ERP column the entity's CHANGE edits, and its new mapped value."""
    key, value = z.CHANGE[entity]
    before = map_record(entity, z.detail(entity)).row
    after = map_record(entity, z.detail(entity, **{key: value})).row
    (column,) = [c for c in after if after[c] != before[c]]
    return column, after[column]


def _zoho_id(entity: str) -> str:
    return map_record(entity, z.detail(entity)).zoho_id


@pytest.mark.parametrize("entity", ENTITY_NAMES)
class TestEveryEntity:
    async def test_new_record_is_inserted_with_an_audit_row(self, entity, apply, fetch, audit):
        """A record the ERP lacks is inserted with its version, hash and raw record, and audited."""
        created = version_of(entity, z.T0)
        assert await apply(created) == [Outcome.INSERTED]
        (row,) = await fetch(table_of(entity), zoho_id=_zoho_id(entity))
        assert row["is_deleted"] is False
        assert row["source_modified_at"] is not None
        assert len(row["content_hash"]) == 64
        assert row["raw"] == created.payload
        for child in children_of(entity):
            assert await fetch(child.table, **{child.parent: _zoho_id(entity)})
        (entry,) = await audit(_zoho_id(entity))
        assert (entry["entity"], entry["action"], entry["before"]) == (entity, "insert", None)
        assert entry["erp_table"] == f"erp.{table_of(entity)}"
        assert entry["after"]["is_deleted"] is False
        assert entry["source"] == "webhook"
        assert entry["queue_job_id"] is not None
        assert entry["inbox_event_id"] is not None

    async def test_newer_version_updates_the_row_and_audits_the_diff(self, entity, apply, fetch, audit):
        """An edit lands in its column; the audit row holds before, after and the changed columns."""
        key, value = z.CHANGE[entity]
        column, new_value = _changed(entity)
        await apply(version_of(entity, z.T0))
        assert await apply(version_of(entity, z.T1, **{key: value})) == [Outcome.UPDATED]
        (row,) = await fetch(table_of(entity), zoho_id=_zoho_id(entity))
        assert row[column] == new_value
        _, update = await audit(_zoho_id(entity))
        assert update["action"] == "update"
        assert set(update["changed_fields"]) == {column, "source_modified_at"}
        assert update["before"][column] != update["after"][column]
        assert update["after"]["source_modified_at"] > update["before"]["source_modified_at"]

    async def test_same_content_again_writes_nothing(self, entity, apply, fetch, audit):
        """Equal content hash: UNCHANGED, the row is not touched and no audit row is added."""
        await apply(version_of(entity, z.T0))
        (before,) = await fetch(table_of(entity), zoho_id=_zoho_id(entity))
        assert await apply(version_of(entity, z.T0)) == [Outcome.UNCHANGED]
        (after,) = await fetch(table_of(entity), zoho_id=_zoho_id(entity))
        assert after["row_version"] == before["row_version"]
        assert after["synced_at"] == before["synced_at"]
        assert len(await audit(_zoho_id(entity))) == 1

    async def test_older_version_is_skipped_as_stale(self, entity, apply, fetch, audit, caplog):
        """An older version than the stored one is not applied, and the skip is logged."""
        key, value = z.CHANGE[entity]
        column, _ = _changed(entity)
        await apply(version_of(entity, z.T1))
        (stored,) = await fetch(table_of(entity), zoho_id=_zoho_id(entity))
        caplog.set_level("INFO", logger="tds.entities.handlers")
        assert await apply(version_of(entity, z.T0, **{key: value})) == [Outcome.STALE]
        (row,) = await fetch(table_of(entity), zoho_id=_zoho_id(entity))
        assert row[column] == stored[column]
        assert row["row_version"] == stored["row_version"]
        assert len(await audit(_zoho_id(entity))) == 1
        assert any("stale" in r.getMessage() and _zoho_id(entity) in r.getMessage() for r in caplog.records)

    async def test_delete_marks_the_row_deleted_and_keeps_it(self, entity, apply, fetch, audit):
        """A delete is soft: is_deleted and deleted_at are set, the columns stay, the audit says delete."""
        await apply(version_of(entity, z.T0))
        assert await apply(delete_of(entity, z.T1)) == [Outcome.DELETED]
        (row,) = await fetch(table_of(entity), zoho_id=_zoho_id(entity))
        assert row["is_deleted"] is True
        assert row["deleted_at"] is not None
        column, _ = _changed(entity)
        assert row[column] is not None
        _, deletion = await audit(_zoho_id(entity))
        assert deletion["action"] == "delete"
        assert deletion["before"]["is_deleted"] is False
        assert deletion["after"]["is_deleted"] is True
        assert "is_deleted" in deletion["changed_fields"]

    async def test_deleted_row_is_not_revived_by_a_version_not_newer(self, entity, apply, fetch):
        """After a delete, a late delivery of an older or equal version leaves the row deleted."""
        await apply(version_of(entity, z.T0))
        await apply(delete_of(entity, z.T1))
        assert await apply(version_of(entity, z.T1)) == [Outcome.STALE]
        assert await apply(version_of(entity, z.T0)) == [Outcome.STALE]
        (row,) = await fetch(table_of(entity), zoho_id=_zoho_id(entity))
        assert row["is_deleted"] is True

    async def test_delete_of_an_unknown_record_leaves_a_tombstone(self, entity, apply, fetch, audit):
        """A delete for a record the ERP never saw inserts it deleted: a late create cannot revive it."""
        assert await apply(delete_of(entity, z.T1)) == [Outcome.DELETED]
        (row,) = await fetch(table_of(entity), zoho_id=_zoho_id(entity))
        assert row["is_deleted"] is True
        assert await apply(version_of(entity, z.T0)) == [Outcome.STALE]
        (entry,) = await audit(_zoho_id(entity))
        assert (entry["action"], entry["before"]) == ("delete", None)

    async def test_newer_version_after_a_delete_revives_the_row(self, entity, apply, fetch):
        await apply(version_of(entity, z.T0))
        await apply(delete_of(entity, z.T1))
        assert await apply(version_of(entity, z.T2)) == [Outcome.UPDATED]
        (row,) = await fetch(table_of(entity), zoho_id=_zoho_id(entity))
        assert (row["is_deleted"], row["deleted_at"]) == (False, None)

    async def test_out_of_order_batch_applies_each_event_by_its_own_version(self, entity, apply, fetch):
        """One batch: a stale event, an update, an insert and a delete, each decided on its own."""
        key, value = z.CHANGE[entity]
        column, new_value = _changed(entity)
        ids = [_with_id(entity, n) for n in range(4)]
        await apply(version_of(entity, z.T1, **ids[0]), version_of(entity, z.T0, **ids[1]))
        outcomes = await apply(
            version_of(entity, z.T0, **ids[0], **{key: value}),  # older than stored
            version_of(entity, z.T1, **ids[1], **{key: value}),  # newer
            version_of(entity, z.T0, **ids[2]),  # new
            _delete_with_id(entity, ids[3], z.T2),  # unknown, deleted
        )
        assert outcomes == [Outcome.STALE, Outcome.UPDATED, Outcome.INSERTED, Outcome.DELETED]
        rows = {r["zoho_id"]: r for r in await fetch(table_of(entity), order_by="zoho_id")}
        first, second = (map_record(entity, z.detail(entity, **i)).zoho_id for i in ids[:2])
        assert rows[first][column] != new_value
        assert rows[second][column] == new_value
        assert len(rows) == 4


@pytest.mark.parametrize("entity", WITH_CHILDREN)
class TestChildRows:
    async def test_changed_children_replace_the_stored_ones(self, entity, apply, fetch, audit):
        """Lines (prices, stock) of the new version replace the old; the audit shows both sets."""
        (child,) = children_of(entity)
        await apply(version_of(entity, z.T0))
        key, entries = _child_key(entity)
        fewer = z.detail(entity)[key][:1]
        fewer[0] = {**fewer[0], **_child_edit(entity)}
        assert await apply(version_of(entity, z.T1, **{key: fewer})) == [Outcome.UPDATED]
        stored = await fetch(child.table, **{child.parent: _zoho_id(entity)})
        expected = map_record(entity, z.detail(entity, **{key: fewer})).children[child.table]
        if not child.replace:  # stock levels are upserted per warehouse: the other keeps its row
            assert len(stored) == entries
        else:
            assert len(stored) == 1
        changed_row = next(r for r in stored if all(r[k] == expected[0][k] for k in child.keys))
        for column, value in expected[0].items():
            if column != "source_modified_at":
                assert changed_row[column] == value, column
        _, update = await audit(_zoho_id(entity))
        assert child.table in update["changed_fields"]
        assert update["before"][child.table] != update["after"][child.table]

    async def test_header_change_alone_keeps_the_children(self, entity, apply, fetch):
        """Children are only rewritten when they changed: same lines, same line rows (same ids)."""
        (child,) = children_of(entity)
        key, value = z.CHANGE[entity]
        await apply(version_of(entity, z.T0))
        before = await fetch(child.table, order_by="1", **{child.parent: _zoho_id(entity)})
        assert await apply(version_of(entity, z.T1, **{key: value})) == [Outcome.UPDATED]
        after = await fetch(child.table, order_by="1", **{child.parent: _zoho_id(entity)})
        assert [r["row_version"] for r in after] == [r["row_version"] for r in before]

    async def test_a_record_without_its_children_keeps_the_stored_ones(self, entity, apply, fetch):
        """A list row (no line_items key) updates the header and leaves the child rows alone."""
        (child,) = children_of(entity)
        key, _ = _child_key(entity)
        await apply(version_of(entity, z.T0))
        header_only = version_of(entity, z.T1)
        del header_only.payload[key]
        assert await apply(header_only) == [Outcome.UPDATED]
        assert len(await fetch(child.table, **{child.parent: _zoho_id(entity)})) == _child_key(entity)[1]


def _child_key(entity: str) -> tuple[str, int]:
    """The payload key holding the entity's child entries, and how many the sample has."""
    key = {"item": "warehouses", "pricebook": "pricebook_items"}.get(entity, "line_items")
    return key, len(z.detail(entity)[key])


def _child_edit(entity: str) -> dict[str, object]:
    return {
        "item": {"warehouse_stock_on_hand": 7},
        "pricebook": {"pricebook_rate": 29.75},
    }.get(entity, {"quantity": 9, "description": "بند معدل"})


def _with_id(entity: str, n: int) -> dict[str, object]:
    """Overrides giving the sample record of `entity` a distinct id."""
    field = catalog.get(entity).id_field
    return {field: f"77{n:03d}{z.DETAIL[entity][field]}"}


def _delete_with_id(entity: str, overrides: dict[str, object], at: str) -> EntityEvent:
    zoho_id = map_record(entity, z.detail(entity, **overrides)).zoho_id
    return make_event(entity, {}, action="delete", entity_id=zoho_id, modified=at)
