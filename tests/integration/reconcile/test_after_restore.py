"""After one side is restored alone, reconciliation finds what the restore put back in time and a
repair realigns it: TDS Core's schema under newer ERP rows, or ERP rows older than Zoho."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from tds.backup.service import BackupService, RestorePart
from tds.reconcile.factory import build_reconcile
from tests.integration.profiles.test_reconcile_profiled import differences, reconciler, shop_stack
from tests.integration.pull.conftest import PullStack


async def _zoho_moves_on(stack: PullStack) -> tuple[str, str]:
    """An item edited and one created in Zoho, pulled and applied: the ERP rows and the sync state move on."""
    edited = sorted(stack.zoho_records("item"))[0]
    stack.emulator.clock.advance(1)
    await stack.emulator.mutator.edit("item", edited, {"rate": 999.5})
    (created,) = await stack.emulator.mutator.create("item")
    assert (await stack.pull.service.run("item", "incremental")).status == "succeeded"
    await stack.drain()
    return edited, created.record_id


async def _restore(stack: PullStack, backups: BackupService, path: Path, part: RestorePart = "all") -> None:
    await backups.restore(path, force=True, part=part)
    await stack.container.engine.dispose()  # connections that knew the replaced tables


async def test_an_older_tds_schema_under_newer_erp_rows_is_realigned(
    make_stack,
    db_url: str,
    tmp_path: Path,
) -> None:
    """A profile keeps its sync state in tds_erp_versions: restored alone from an older backup, it lags
    the ERP's rows; the repair applies Zoho's records again and no difference is left."""
    stack = await shop_stack(make_stack, db_url)
    backups = BackupService(stack.settings, db_url, stack.container.sessions)
    made = await backups.backup(directory=tmp_path)
    edited, created = await _zoho_moves_on(stack)

    await _restore(stack, backups, made.path)
    service = reconciler(stack)
    found = await differences(service, "item")
    assert {(kind, zoho_id) for kind, zoho_id, _fields in found} == {("drift", edited), ("missing", created)}
    assert (await service.run("item", repair=True)).counts.repaired == 2
    await stack.drain()
    assert await differences(service, "item") == set()
    rows = await stack.rows(
        "SELECT zoho_item_id, unit_price FROM shop.products WHERE zoho_item_id IN (:a, :b)",
        a=edited,
        b=created,
    )
    prices = {r["zoho_item_id"]: r["unit_price"] for r in rows}
    assert prices[edited] == Decimal("999.50")
    assert len(rows) == len(prices) == 2  # the created item once: applied again, not inserted twice


async def test_erp_tables_restored_alone_are_found_and_repaired(make_stack, tmp_path: Path) -> None:
    """The default schema keeps the sync state in the ERP rows: restored from an older backup, a changed
    row is back in time and a created one is gone; reconciliation finds both and the repair restores them."""
    stack = await make_stack()
    assert (await stack.pull.service.run("item", "full")).status == "succeeded"
    await stack.drain()
    service = build_reconcile(stack.settings, stack.container.sessions, stack.pull.client)
    backups = BackupService(stack.settings, stack.container.database_url, stack.container.sessions)
    made = await backups.backup(with_erp=True, directory=tmp_path)
    edited, created = await _zoho_moves_on(stack)
    assert await differences(service, "item") == set()

    await _restore(stack, backups, made.path, part="erp")
    assert await differences(service, "item") == {
        ("drift", edited, ("rate", "source_modified_at")),
        ("missing", created, ()),
    }
    assert (await service.run("item", repair=True)).counts.repaired == 2
    await stack.drain()
    assert await differences(service, "item") == set()
    assert await stack.erp_records("item") == stack.zoho_records("item")
