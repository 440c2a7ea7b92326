"""A changed profile takes effect on records already written: the next delivery of an unchanged record
writes it through the new profile, `tds erp reapply` does so for every stored record from its last
payload, and `tds erp check` warns until then."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from tds.cli import app
from tds.db.engine import transaction
from tds.entities.check import CheckResult, check_erp
from tds.entities.target import build_target
from tds.inbox.service import InboxService
from tds.reapply.service import ReapplyProgress, ReapplyService
from tests import zoho_samples as z
from tests.e2e.conftest import Stack
from tests.integration.profiles.conftest import EXAMPLES, StackFactory, execute, run_ddl

ITEMS = ("7401", "7402", "7403")
SHELF_SQL = "SELECT zoho_item_id, shelf_code FROM shop.products ORDER BY zoho_item_id"


def edited_profile(tmp_path: Path) -> Path:
    """The shop profile with a column more: `shelf_code` (ERP-owned before) mapped from the SKU."""
    profile = yaml.safe_load((EXAMPLES / "shop.yaml").read_text())
    products = profile["entities"]["item"]["targets"][0]
    products["owned"] = ["cost_price"]
    products["columns"]["shelf_code"] = "sku"
    path = tmp_path / "shop.yaml"
    path.write_text(yaml.safe_dump(profile, allow_unicode=True))
    return path


async def deliver(stack: Stack, item_id: str, **fields: object) -> None:
    record = z.detail("item", item_id=item_id, sku=f"S-{item_id}", last_modified_time=z.T0, **fields)
    response = await stack.post("item", {"item": record})
    assert response.status_code in (200, 202), response.text
    await stack.drain()


async def shelves(stack: Stack) -> dict[str, str | None]:
    return {row["zoho_item_id"]: row["shelf_code"] for row in await stack.rows(SHELF_SQL)}


async def check(stack: Stack) -> CheckResult:
    async with transaction(stack.container.sessions) as session:
        return await check_erp(session, stack.container.settings.erp)


async def reapply(stack: Stack, batch: int = 2, **options: bool) -> ReapplyProgress:
    digests = {name: plan.digest for name, plan in build_target(stack.container.settings.erp).plans.items()}
    service = ReapplyService(stack.container.sessions, InboxService(max_attempts=3), digests)
    return await service.run("item", batch, **options)


@pytest.fixture
async def edited(profiled_stack: StackFactory, tmp_path: Path) -> Stack:
    """Three items written under the shop profile, then TDS Core running the edited profile."""
    original = await profiled_stack(EXAMPLES / "shop.sql", EXAMPLES / "shop.yaml")
    for item_id in ITEMS:
        await deliver(original, item_id)
    assert set((await shelves(original)).values()) == {None}
    return await profiled_stack(None, edited_profile(tmp_path))


async def test_the_next_delivery_of_an_unchanged_record_is_written_through_the_new_profile(
    edited: Stack,
) -> None:
    """The record maps to what was last applied (a field no column reads differs, so the inbox takes
    the delivery), but under another profile: rewritten, not skipped as unchanged."""
    await deliver(edited, "7401", cf_unmapped="once")
    assert await shelves(edited) == {"7401": "S-7401", "7402": None, "7403": None}
    await deliver(edited, "7401", cf_unmapped="twice")  # now under the running profile: unchanged
    audit = await edited.rows("SELECT action FROM tds.tds_audit_trail WHERE entity_id = '7401'")
    assert [a["action"] for a in audit] == ["insert", "update"]


async def test_reapply_writes_every_stored_record_and_the_check_warns_until_then(edited: Stack) -> None:
    """Before: the check warns about three records with `tds erp reapply item` as the fix. The re-apply
    queues each record's last payload, the worker fills the new column, and the warning is gone."""
    before = await check(edited)
    assert before.ok
    (warning,) = before.warnings
    assert (warning.where, warning.fix) == ("item", "tds erp reapply item")
    assert warning.message.startswith("3 record(s)")
    done = await reapply(edited)
    assert (done.queued, done.missing, done.after, done.resumed) == (3, 0, "7403", False)
    assert await edited.drain() == 3
    assert await shelves(edited) == {item_id: f"S-{item_id}" for item_id in ITEMS}
    after = await check(edited)
    assert after.warnings == []
    assert "warning" not in after.text


async def test_a_second_reapply_does_nothing_more_and_an_interrupted_one_goes_on(edited: Stack) -> None:
    """The cursor (profile digest and last Zoho id, stored per batch) makes a run go on where the last
    stopped; one that finished queues nothing; `restart` starts from the first record."""
    await execute(
        edited,
        "INSERT INTO tds.tds_configuration (key, value) VALUES ('erp.reapply.item', "
        "jsonb_build_object('digest', 'an older profile', 'after', '7402'))",
    )
    first = await reapply(edited)  # another profile's cursor: from the first record
    assert (first.queued, first.resumed) == (3, False)
    second = await reapply(edited)
    assert (second.queued, second.missing, second.resumed) == (0, 0, True)
    await execute(
        edited,
        "UPDATE tds.tds_configuration SET value = jsonb_set(value, '{after}', '\"7401\"')"
        " WHERE key = 'erp.reapply.item'",
    )
    resumed = await reapply(edited)
    assert (resumed.queued, resumed.after, resumed.resumed) == (2, "7403", True)
    assert (await reapply(edited, restart=True)).queued == 3


async def test_records_whose_payloads_were_pruned_are_counted_not_queued(edited: Stack) -> None:
    """Retention pruned one record's inbox events: it is reported (a full pull writes it), the others
    are queued."""
    await execute(
        edited,
        "WITH gone AS (DELETE FROM tds.tds_sync_queue WHERE entity_key = 'item:7402'"
        " RETURNING inbox_event_id)"
        " DELETE FROM tds.tds_inbox_events WHERE id IN (SELECT inbox_event_id FROM gone)",
    )
    done = await reapply(edited, batch=10)
    assert (done.queued, done.missing) == (2, 1)
    await edited.drain()
    assert await shelves(edited) == {"7401": "S-7401", "7402": None, "7403": "S-7403"}


def test_cli_reapply_prints_what_it_queued_and_refuses_an_entity_not_written_by_profile(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`tds erp reapply item --batch 2` prints the total it queued (none on a fresh ERP); an entity the
    profile does not write through `sync: tds` is refused."""
    asyncio.run(run_ddl(db_url, (EXAMPLES / "shop.sql").read_text()))
    monkeypatch.setenv("TDS_DB__URL", db_url)
    monkeypatch.setenv("TDS_ERP__PROFILE", str(edited_profile(tmp_path)))
    result = CliRunner().invoke(app, ["erp", "reapply", "item", "--batch", "2"])
    assert result.exit_code == 0, result.output
    assert "item: 0 record(s) queued for the worker" in result.output
    result = CliRunner().invoke(app, ["erp", "reapply", "warehouse"])
    assert result.exit_code == 2
    assert "not a `sync: tds` entity" in result.output
