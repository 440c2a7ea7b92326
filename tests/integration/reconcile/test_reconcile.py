"""Reconciliation against the emulator: finds exactly what was changed behind the sync, repairs it."""

from __future__ import annotations

from sqlalchemy import text

from tds.emulator.webhooks import WebhookConfig
from tds.entities.catalog import ENTITY_NAMES
from tds.reconcile.factory import build_reconcile
from tds.reconcile.service import ReconcileService
from tests.integration.pull.conftest import TOKEN, PullStack


async def synced(make_stack, **options: object) -> tuple[PullStack, ReconcileService]:
    stack = await make_stack(**options)
    for entity in ENTITY_NAMES:
        assert (await stack.pull.service.run(entity, "full")).status == "succeeded", entity
    await stack.drain()
    service = build_reconcile(stack.settings, stack.container.sessions, stack.pull.client)
    return stack, service


async def differences(service: ReconcileService, entity: str, repair: bool = False) -> set[tuple]:
    result = await service.run(entity, repair=repair)
    assert result.status == "succeeded", result.error
    return {(d.kind, d.zoho_id, d.fields) for d in result.differences}


async def execute(stack: PullStack, sql: str, **params: object) -> None:
    async with stack.container.engine.begin() as conn:
        await conn.execute(text(sql), params)


async def unreferenced_items(stack: PullStack) -> list[str]:
    used = await stack.rows("SELECT DISTINCT item_zoho_id FROM erp.invoice_lines")
    return sorted(set(stack.zoho_records("item")) - {row["item_zoho_id"] for row in used})


async def test_after_a_full_sync_every_entity_reconciles_clean(make_stack) -> None:
    stack, service = await synced(make_stack)
    for entity in ENTITY_NAMES:
        assert await differences(service, entity) == set(), entity
    runs = await stack.rows(
        "SELECT entity, status, zoho_records, erp_records, api_calls FROM tds.tds_reconcile_runs"
    )
    assert len(runs) == len(ENTITY_NAMES)
    items = next(r for r in runs if r["entity"] == "item")
    assert items["zoho_records"] == items["erp_records"] == 45
    assert items["api_calls"] == 1  # 45 items fit one list page of 200: no detail call at all


async def test_finds_exactly_what_changed_behind_the_sync_and_repair_makes_it_clean(make_stack) -> None:
    """No webhooks reach TDS here, so every Zoho change below is a dropped webhook."""
    stack, service = await synced(make_stack)
    # Items no invoice line points at are the ones deleted, so that no invoice loses its item.
    gone, lost = (await unreferenced_items(stack))[:2]
    items = [gone, *sorted(set(stack.zoho_records("item")) - {gone, lost})]
    invoices = sorted(stack.zoho_records("invoice"))
    stack.emulator.clock.advance(1)
    await stack.emulator.mutator.delete("item", items[0])  # deleted in Zoho
    await stack.emulator.mutator.edit("item", items[1], {"rate": 999.5})  # edited in Zoho
    (created,) = await stack.emulator.mutator.create("item")  # created in Zoho
    await execute(stack, "UPDATE erp.products SET name = 'wrong', sku = 'x' WHERE zoho_id = :id", id=items[2])
    await execute(stack, "DELETE FROM erp.products WHERE zoho_id = :id", id=lost)  # lost in the ERP
    await execute(stack, "DELETE FROM erp.invoice_lines WHERE document_zoho_id = :id", id=invoices[0])
    await execute(stack, "UPDATE erp.invoices SET total = total + 1 WHERE zoho_id = :id", id=invoices[1])

    found = await differences(service, "item")
    assert found == {
        ("deleted", items[0], ()),
        ("drift", items[1], ("rate", "source_modified_at")),
        ("missing", created.record_id, ()),
        ("drift", items[2], ("name", "sku")),
        ("missing", lost, ()),
    }
    assert await differences(service, "invoice") == {
        ("drift", invoices[0], ("invoice_lines",)),
        ("drift", invoices[1], ("total",)),
    }

    repaired = await service.run("item", repair=True)
    assert repaired.counts.repaired == 5
    assert repaired.counts.api_calls == 1 + 3  # the list, and details of 2 missing and 1 edited in Zoho
    assert (await service.run("invoice", repair=True)).counts.api_calls == 1  # ERP-side: no detail
    await stack.drain()
    assert await differences(service, "item") == set()
    assert await differences(service, "invoice") == set()
    assert await stack.erp_records("item") == stack.zoho_records("item")
    deleted = await stack.rows("SELECT is_deleted FROM erp.products WHERE zoho_id = :id", id=items[0])
    assert deleted == [{"is_deleted": True}]
    stored = await stack.rows(
        "SELECT r.kind, r.zoho_id, r.fields, r.repair FROM tds.tds_reconcile_differences r "
        "JOIN tds.tds_reconcile_runs u ON u.id = r.run_id "
        "WHERE u.repair AND u.entity = 'item' ORDER BY r.zoho_id"
    )
    assert len(stored) == 5
    assert all(row["repair"] for row in stored)


async def test_a_dropped_webhook_is_found_and_a_delivered_one_is_not(make_stack) -> None:
    """With webhooks flowing, only the change whose webhook the emulator dropped is a difference."""
    hooks = [
        WebhookConfig(url=f"http://tds.test/webhooks/zoho/{e}", entities=[e], query_params={"token": TOKEN})
        for e in ("item", "contact")
    ]
    stack, service = await synced(make_stack, webhooks=hooks)
    items, contacts = sorted(stack.zoho_records("item")), sorted(stack.zoho_records("contact"))
    stack.emulator.clock.advance(1)
    stack.emulator.webhooks.switches.drop.next = 2
    await stack.emulator.mutator.edit("item", items[0], {"name": "dropped"})
    await stack.emulator.mutator.delete("contact", contacts[0])
    await stack.emulator.mutator.edit("item", items[1], {"name": "delivered"})
    assert await stack.emulator.webhooks.drain()
    await stack.drain()
    assert await differences(service, "item") == {("drift", items[0], ("name", "source_modified_at"))}
    assert await differences(service, "contact") == {("deleted", contacts[0], ())}
    for entity in ("item", "contact"):
        assert (await service.run(entity, repair=True)).counts.repaired == 1
    await stack.drain()
    assert await differences(service, "item") == set()
    assert await differences(service, "contact") == set()


async def test_erp_integrity_checks_report_broken_documents_as_invalid(make_stack) -> None:
    """Orphan lines, a missing customer, a missing item and totals unequal to their lines."""
    stack, service = await synced(make_stack)
    invoices = sorted(stack.zoho_records("invoice"))
    lines = await stack.rows(
        "SELECT document_zoho_id, item_zoho_id FROM erp.invoice_lines WHERE document_zoho_id = :id "
        "ORDER BY line_no",
        id=invoices[2],
    )
    customer = await stack.rows(
        "SELECT customer_zoho_id FROM erp.invoices WHERE zoho_id = :id", id=invoices[1]
    )
    await execute(
        stack, "ALTER TABLE erp.invoice_lines DROP CONSTRAINT fk_invoice_lines_document_zoho_id_invoices"
    )
    await execute(stack, "DELETE FROM erp.invoices WHERE zoho_id = :id", id=invoices[0])
    await execute(
        stack,
        "UPDATE erp.customers SET is_deleted = true WHERE zoho_id = :id",
        id=customer[0]["customer_zoho_id"],
    )
    await execute(
        stack, "UPDATE erp.products SET is_deleted = true WHERE zoho_id = :id", id=lines[0]["item_zoho_id"]
    )
    await execute(
        stack,
        "UPDATE erp.invoice_lines SET item_total = item_total + 5 WHERE document_zoho_id = :id",
        id=invoices[3],
    )
    result = await service.run("invoice")
    invalid = {(d.zoho_id, d.detail["check"], d.fields) for d in result.differences if d.kind == "invalid"}
    expected_invalid = {
        (invoices[0], "orphan_lines", ("invoice_lines",)),
        (invoices[3], "totals_unequal", ("sub_total",)),
    }
    assert expected_invalid <= invalid
    assert (invoices[2], "item_missing", ("invoice_lines",)) in invalid
    assert (invoices[1], "party_missing", ("customer_zoho_id",)) in invalid
    assert result.counts.invalid == len(invalid)


async def test_zoho_deletes_of_an_entity_set_to_report_are_reported_not_repaired(make_stack) -> None:
    stack, service = await synced(make_stack)
    service.settings.deleted["item"] = "report"
    gone = (await unreferenced_items(stack))[0]
    await stack.emulator.mutator.delete("item", gone)
    result = await service.run("item", repair=True)
    assert [(d.kind, d.zoho_id) for d in result.differences] == [("deleted", gone)]
    assert result.counts.repaired == 0
    assert await stack.rows("SELECT repair FROM tds.tds_reconcile_differences") == [{"repair": None}]
    assert await stack.drain() == 0
    assert await stack.rows("SELECT is_deleted FROM erp.products WHERE zoho_id = :id", id=gone) == [
        {"is_deleted": False}
    ]
