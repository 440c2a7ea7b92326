"""Reconciliation and the pull's detail economy on an existing ERP written through its profile."""

from __future__ import annotations

from decimal import Decimal
from importlib.resources import files
from pathlib import Path

import yaml

from tds.entities.profile.loader import DEFAULT_PROFILE
from tds.entities.target import build_handlers
from tds.pull.factory import build_pull
from tds.reconcile.factory import build_reconcile
from tds.reconcile.service import ReconcileService
from tds.worker.pool import WorkerPool
from tests.integration.profiles.conftest import EXAMPLES, execute, profiled_settings, run_ddl
from tests.integration.profiles.test_pull_profiled import ORDER
from tests.integration.pull.conftest import PullStack, make_stack  # noqa: F401  (the fixture)
from tests.integration.reconcile.test_surfaces import tds


async def shop_stack(make_stack, db_url: str, profile_file: Path | None = None) -> PullStack:  # noqa: F811
    """The pull stack with the shop profile (or `profile_file`) everywhere: workers, pull and
    reconciliation."""
    await run_ddl(db_url, (EXAMPLES / "shop.sql").read_text())
    stack = await make_stack()
    profile = profiled_settings(profile_file or EXAMPLES / "shop.yaml").erp
    stack.settings = stack.settings.model_copy(update={"erp": profile})
    container, settings = stack.container, stack.settings
    stack.pool = WorkerPool(
        container.sessions, container.engine, build_handlers(settings.erp), settings.worker
    )
    await stack.pull.aclose()
    stack.pull = build_pull(settings, container.engine, container.sessions)
    for entity in ORDER:
        assert (await stack.pull.service.run(entity, "full")).status == "succeeded", entity
        await stack.drain()
    return stack


def reconciler(stack: PullStack) -> ReconcileService:
    return build_reconcile(stack.settings, stack.container.sessions, stack.pull.client)


async def differences(service: ReconcileService, entity: str, repair: bool = False) -> set[tuple]:
    result = await service.run(entity, repair=repair)
    assert result.status == "succeeded", result.error
    return {(d.kind, d.zoho_id, d.fields) for d in result.differences}


async def test_a_synced_shop_reconciles_clean_and_unsynced_entities_are_skipped(
    make_stack,  # noqa: F811
    db_url: str,
) -> None:
    stack = await shop_stack(make_stack, db_url)
    service = reconciler(stack)
    for entity in ORDER:
        assert await differences(service, entity) == set(), entity
    skipped = await service.run("invoice")
    assert (skipped.status, skipped.error) == ("skipped", "the ERP profile does not sync invoice")
    runs = await stack.rows("SELECT entity, status, zoho_records, erp_records FROM tds.tds_reconcile_runs")
    assert {r["entity"]: r["status"] for r in runs} == {
        **dict.fromkeys(ORDER, "succeeded"),
        "invoice": "skipped",
    }
    items = next(r for r in runs if r["entity"] == "item")
    assert items["zoho_records"] == items["erp_records"] == len(stack.zoho_records("item"))


async def test_changes_that_never_arrived_are_found_and_repaired_in_the_erp_tables(
    make_stack,  # noqa: F811
    db_url: str,
) -> None:
    """No webhooks reach TDS here: every Zoho change below is a dropped webhook."""
    stack = await shop_stack(make_stack, db_url)
    service = reconciler(stack)
    items = sorted(stack.zoho_records("item"))
    stack.emulator.clock.advance(1)
    await stack.emulator.mutator.edit("item", items[0], {"rate": 999.5})
    (created,) = await stack.emulator.mutator.create("item")
    await stack.emulator.mutator.delete("item", items[1])
    assert await differences(service, "item") == {
        ("drift", items[0], ("rate", "source_modified_at")),
        ("missing", created.record_id, ()),
        ("deleted", items[1], ()),
    }
    repaired = await service.run("item", repair=True)
    assert repaired.counts.repaired == 3
    await stack.drain()
    assert await differences(service, "item") == set()
    rows = await stack.rows(
        "SELECT p.zoho_item_id, p.unit_price, p.is_active, pp.price FROM shop.products p"
        " JOIN shop.product_prices pp ON pp.product_id = p.id WHERE p.zoho_item_id = ANY(:ids)",
        ids=[items[0], items[1], created.record_id],
    )
    by_id = {r["zoho_item_id"]: r for r in rows}
    assert (by_id[items[0]]["unit_price"], by_id[items[0]]["price"]) == (Decimal("999.50"), Decimal("999.50"))
    assert by_id[items[1]]["is_active"] is False  # the shop's delete: a flag, the row stays
    assert created.record_id in by_id


async def test_a_second_full_pull_fetches_no_detail_the_shop_already_holds(
    make_stack,  # noqa: F811
    db_url: str,
) -> None:
    """The versions the ERP holds come from the sync state of the profile's entities."""
    stack = await shop_stack(make_stack, db_url)
    for entity in ("item", "salesorder"):
        start = stack.pull.client.stats.requests
        result = await stack.pull.service.run(entity, "full")
        assert result.status == "succeeded"
        pages = -(-len(stack.zoho_records(entity)) // stack.settings.pull.per_page)
        assert stack.pull.client.stats.requests - start == pages, entity  # the list pages only


async def test_the_command_reconciles_the_shop_and_skips_what_it_does_not_sync(
    make_stack,  # noqa: F811
    db_url: str,
) -> None:
    stack = await shop_stack(make_stack, db_url)
    env = stack.command_env(db_url, TDS_ERP__PROFILE=str(EXAMPLES / "shop.yaml"))
    code, out, err = await tds(env, "reconcile", "items")
    assert code == 0, err
    count = len(stack.zoho_records("item"))
    assert f"item: {count} in Zoho, {count} in the ERP, 0 differ" in out
    code, out, err = await tds(env, "reconcile", "invoices")
    assert code == 0, err
    assert "invoice: skipped: the ERP profile does not sync invoice" in out


async def test_rows_removed_from_the_erp_are_found_and_written_again(
    make_stack,  # noqa: F811
    db_url: str,
) -> None:
    """A product whose price row, or whose rows altogether, an ERP user deleted is `missing`; the
    repair rewrites it even though Zoho's record is what TDS Core last applied."""
    stack = await shop_stack(make_stack, db_url)
    service = reconciler(stack)
    unused = await stack.rows(
        "SELECT p.id, p.zoho_item_id FROM shop.products p WHERE NOT EXISTS"
        " (SELECT 1 FROM shop.sales_order_lines l WHERE l.product_id = p.id) AND NOT EXISTS"
        " (SELECT 1 FROM shop.price_list_items i WHERE i.product_id = p.id) ORDER BY p.zoho_item_id LIMIT 2"
    )
    (price_gone, first), (all_gone, second) = ((r["zoho_item_id"], r["id"]) for r in unused)
    await execute(stack, f"DELETE FROM shop.product_prices WHERE product_id IN ({first}, {second})")
    await execute(stack, f"DELETE FROM shop.products WHERE id = {second}")
    result = await service.run("item", repair=True)
    assert result.status == "succeeded", result.error
    found = {(d.kind, d.zoho_id, d.detail["erp"]) for d in result.differences}
    assert found == {
        ("missing", price_gone, "no row in shop.product_prices"),
        ("missing", all_gone, "no row in shop.products"),
    }
    assert result.counts.repaired == 2
    await stack.drain()
    assert await differences(service, "item") == set()
    prices = await stack.rows(
        "SELECT p.zoho_item_id, p.category_id FROM shop.products p JOIN shop.product_prices pp"
        " ON pp.product_id = p.id WHERE p.zoho_item_id IN (:a, :b)",
        a=price_gone,
        b=all_gone,
    )
    assert {r["zoho_item_id"] for r in prices} == {price_gone, all_gone}
    assert all(r["category_id"] is not None for r in prices)  # the insert-only default, again
    audit = await stack.rows(
        "SELECT entity_id, action FROM tds.tds_audit_trail WHERE source = 'reconcile' ORDER BY entity_id"
    )
    assert {(a["entity_id"], a["action"]) for a in audit} == {(price_gone, "update"), (all_gone, "update")}


async def test_entities_the_shop_does_not_sync_are_not_pulled(make_stack, db_url: str) -> None:  # noqa: F811
    """No list page nor detail is spent on records the workers would drop; the schedule leaves them out."""
    stack = await shop_stack(make_stack, db_url)
    start = stack.pull.client.stats.requests
    totals = await stack.pull.service.run("invoice", "full")
    assert (totals.status, totals.note) == ("skipped", "the ERP profile does not sync invoice")
    assert stack.pull.client.stats.requests == start
    (run,) = await stack.rows("SELECT status, error FROM tds.tds_sync_runs WHERE entity = 'invoice'")
    assert run == {"status": "skipped", "error": "the ERP profile does not sync invoice"}
    assert set(stack.pull.scheduler.entities) == set(ORDER)


async def test_document_checks_skip_references_the_profile_keeps_elsewhere(
    make_stack,  # noqa: F811
    tmp_path: Path,
) -> None:
    """A profile of the default schema without items: invoice lines point at items the ERP's
    `erp.products` never holds, and that is not an integrity violation of the ERP."""
    profile = yaml.safe_load((files("tds.entities.profile") / DEFAULT_PROFILE).read_text())
    del profile["entities"]["item"]
    path = tmp_path / "no-items.yaml"
    path.write_text(yaml.safe_dump(profile))
    stack = await make_stack()
    stack.settings = stack.settings.model_copy(update={"erp": profiled_settings(path).erp})
    container, settings = stack.container, stack.settings
    stack.pool = WorkerPool(
        container.sessions, container.engine, build_handlers(settings.erp), settings.worker
    )
    await stack.pull.aclose()
    stack.pull = build_pull(settings, container.engine, container.sessions)
    for entity in ("contact", "invoice"):
        assert (await stack.pull.service.run(entity, "full")).status == "succeeded"
        await stack.drain()
    assert await stack.rows("SELECT 1 FROM erp.products") == []
    assert await stack.rows("SELECT 1 FROM erp.invoice_lines LIMIT 1") != []
    assert await differences(reconciler(stack), "invoice") == set()


async def test_records_the_profile_writes_nowhere_are_not_missing(
    make_stack,  # noqa: F811
    db_url: str,
    tmp_path: Path,
) -> None:
    """A shop profile whose contacts go to customers only: vendors end `not_in_profile` when pulled,
    and reconciliation does not report them as missing (nor count them as Zoho's records)."""
    text = (EXAMPLES / "shop.yaml").read_text()
    start = text.index("      - table: suppliers")
    end = text.index("  salesorder:")
    customers_only = tmp_path / "shop-customers-only.yaml"
    customers_only.write_text(text[:start] + text[end:])
    stack = await shop_stack(make_stack, db_url, customers_only)
    vendors = [c for c in stack.zoho_records("contact").values() if c.get("contact_type") == "vendor"]
    assert vendors
    outcomes = await stack.rows(
        "SELECT DISTINCT outcome FROM tds.tds_sync_logs WHERE entity = 'contact' AND entity_id = ANY(:ids)",
        ids=[v["contact_id"] for v in vendors],
    )
    assert outcomes == [{"outcome": "not_in_profile"}]
    result = await reconciler(stack).run("contact")
    assert result.status == "succeeded", result.error
    assert result.differences == []
    assert result.counts.zoho_records == len(stack.zoho_records("contact")) - len(vendors)
