"""Disaster recovery: sync, back up, more webhooks, restore the backup, heal by replay and pull, compare."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tds.backup.service import BackupService
from tds.db.engine import transaction
from tds.emulator.webhooks import WebhookConfig
from tds.entities.catalog import ENTITY_NAMES
from tds.queue.jobs import ReplayFilter
from tds.queue.service import QueueService
from tests.integration.pull.conftest import TOKEN, PullStack
from tests.integration.pull.test_pull_sync import assert_erp_equals_emulator, full_sync_all


async def _changes_by_webhook(stack: PullStack) -> None:
    """Edits and a new record in Zoho, each delivered to TDS by webhook and applied."""
    items = list(stack.zoho_records("item"))
    await stack.emulator.mutator.edit("item", items[0])
    await stack.emulator.mutator.edit("item", items[1])
    await stack.emulator.mutator.create("item")
    await stack.emulator.mutator.edit("invoice", next(iter(stack.zoho_records("invoice"))))
    assert await stack.emulator.webhooks.drain()
    await stack.drain()
    stack.emulator.clock.advance(1)


async def test_restore_then_replay_and_incremental_pull_bring_the_erp_back_to_zoho(
    make_stack, tmp_path: Path
) -> None:
    """A restored backup is older than Zoho; `replay --since` and an incremental pull make them equal."""
    hooks = [
        WebhookConfig(url=f"http://tds.test/webhooks/zoho/{e}", entities=[e], query_params={"token": TOKEN})
        for e in ("item", "invoice")
    ]
    stack = await make_stack(webhooks=hooks)
    await full_sync_all(stack)
    service = BackupService(stack.settings, stack.container.database_url, stack.container.sessions)
    made = await service.backup(with_erp=True, directory=tmp_path)
    backed_up_at = datetime.now(UTC)
    assert "tds.tds_inbox_events" in made.listing.tables
    assert "erp.products" in made.listing.tables

    await _changes_by_webhook(stack)
    await assert_erp_equals_emulator(stack)

    restored = await service.restore(made.path, force=True)
    assert "tds.tds_inbox_events" in restored.tds_tables
    assert "erp.products" in restored.replaced
    assert await stack.erp_records("item") != stack.zoho_records("item")  # back in time: the edits are gone

    async with transaction(stack.container.sessions) as session:
        await QueueService(session, stack.settings.worker.max_attempts).replay_matching(
            ReplayFilter(since=backed_up_at)
        )
    await stack.drain()
    for entity in ENTITY_NAMES:
        assert (await stack.pull.service.run(entity, "incremental")).status == "succeeded"
    await stack.drain()
    await assert_erp_equals_emulator(stack)
