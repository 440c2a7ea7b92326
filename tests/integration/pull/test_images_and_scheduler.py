"""Product images pulled once per distinct content, and the incremental scheduler's round."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from tds.entities.catalog import ENTITY_NAMES
from tds.pull.factory import build_pull
from tds.pull.repository import SchedulerLock, SyncRunRepository
from tds.pull.scheduler import PullScheduler
from tests.integration.pull.conftest import PullStack


def with_images(stack: PullStack, directory: Path):  # type: ignore[no-untyped-def]
    pull = stack.settings.pull.model_copy(update={"images_dir": directory})
    return build_pull(
        stack.settings.model_copy(update={"pull": pull}), stack.container.engine, stack.container.sessions
    )


async def test_item_images_are_stored_once_per_distinct_image(make_stack, tmp_path: Path) -> None:
    """Each item with an image gets a link; identical images share one blob; a re-run downloads nothing."""
    stack = await make_stack()
    pull = with_images(stack, tmp_path)
    try:
        assert (await pull.service.run("item", "full")).status == "succeeded"
        with_image = {i: r for i, r in stack.zoho_records("item").items() if r["image_document_id"]}
        assert with_image, "the emulator's data should have items with images"
        links = {p.name for p in (tmp_path / "items").iterdir() if p.is_symlink()}
        assert links == set(with_image)
        blobs = list((tmp_path / "blobs").iterdir())
        assert 1 < len(blobs) < len(with_image)  # deduplicated by content
        assert all(b.read_bytes().startswith(b"\x89PNG") for b in blobs)
        first = pull.images.downloaded if pull.images else 0
        assert first == len(with_image)
        assert (await pull.service.run("item", "full")).status == "succeeded"
        assert pull.images is not None
        assert pull.images.downloaded == first  # unchanged image ids: nothing fetched again
    finally:
        await pull.aclose()


async def test_scheduler_round_pulls_every_entity_incrementally(make_stack) -> None:
    """One scheduler round runs an incremental sync of every entity and marks dead runs interrupted."""
    stack = await make_stack()
    async with stack.container.sessions() as session, session.begin():
        dead = await SyncRunRepository(session).start("item", "full")
        stale = text("UPDATE tds.tds_sync_runs SET heartbeat_at = now() - interval '1 hour' WHERE id = :id")
        await session.execute(stale, {"id": dead})
    scheduler = PullScheduler(
        stack.container.engine, stack.container.sessions, stack.pull.service, interval_s=900, stale_run_s=60
    )
    results = await scheduler.run_once()
    assert results is not None
    assert set(results) == set(ENTITY_NAMES)
    assert {t.status for t in results.values()} == {"succeeded"}
    runs = await stack.rows("SELECT id, mode, status FROM tds.tds_sync_runs ORDER BY id")
    assert runs[0] == {"id": dead, "mode": "full", "status": "interrupted"}
    assert {r["mode"] for r in runs[1:]} == {"incremental"}
    await stack.drain()
    assert await stack.erp_records("invoice") == stack.zoho_records("invoice")


async def test_only_one_scheduler_runs_at_a_time(make_stack) -> None:
    """While one process holds the scheduler lock, another's round does nothing."""
    stack = await make_stack()
    scheduler = PullScheduler(
        stack.container.engine, stack.container.sessions, stack.pull.service, interval_s=900
    )
    async with stack.container.engine.connect() as conn, SchedulerLock(conn) as held:
        assert held
        assert await scheduler.run_once() is None
    assert await stack.rows("SELECT 1 FROM tds.tds_sync_runs") == []
