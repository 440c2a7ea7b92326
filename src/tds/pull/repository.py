"""SQL for sync runs and cursors."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from tds.db.locks import AdvisoryLock
from tds.db.schema import tds_text

# Starts a run; the row is the run's live progress record.
INSERT_RUN = tds_text(
    "INSERT INTO tds.tds_sync_runs (entity, mode, status, details) VALUES (:entity, :mode, 'running', "
    "CAST(:details AS jsonb)) RETURNING id"
)
# Adds one page's counters to a run and stamps its heartbeat.
ADD_PROGRESS = tds_text(
    "UPDATE tds.tds_sync_runs SET pages = pages + :pages, records = records + :records, "
    "enqueued = enqueued + :enqueued, skipped = skipped + :skipped, failed = failed + :failed, "
    "heartbeat_at = now() WHERE id = :id RETURNING cancel_requested"
)
# Ends a run (succeeded, failed, cancelled) unless it already ended.
FINISH_RUN = tds_text(
    "UPDATE tds.tds_sync_runs SET status = :status, error = :error, finished_at = now(), "
    "heartbeat_at = now() WHERE id = :id AND finished_at IS NULL"
)
# Asks a running run to stop after its current page.
REQUEST_CANCEL = tds_text(
    "UPDATE tds.tds_sync_runs SET cancel_requested = true WHERE id = :id AND finished_at IS NULL RETURNING id"
)
# Marks runs whose process died (no heartbeat for a while) as interrupted, so they can resume.
MARK_INTERRUPTED = tds_text(
    "UPDATE tds.tds_sync_runs SET status = 'interrupted', finished_at = now(), error = 'no heartbeat' "
    "WHERE finished_at IS NULL AND heartbeat_at < now() - make_interval(secs => :stale_s) RETURNING id"
)
SELECT_RUN = tds_text("SELECT * FROM tds.tds_sync_runs WHERE id = :id")
SELECT_RUNS = tds_text("SELECT * FROM tds.tds_sync_runs ORDER BY id DESC LIMIT :limit")
SELECT_CURSOR = tds_text(
    "SELECT entity, mode, last_modified_at, next_page, run_id FROM tds.tds_sync_cursors "
    "WHERE entity = :entity AND mode = :mode"
)
# Moves a cursor; called in the same transaction that enqueued the page it describes.
UPSERT_CURSOR = tds_text(
    "INSERT INTO tds.tds_sync_cursors (entity, mode, last_modified_at, next_page, run_id, updated_at) "
    "VALUES (:entity, :mode, :last_modified_at, :next_page, :run_id, now()) "
    "ON CONFLICT (entity, mode) DO UPDATE SET last_modified_at = EXCLUDED.last_modified_at, "
    "next_page = EXCLUDED.next_page, run_id = EXCLUDED.run_id, updated_at = now()"
)


@dataclass(frozen=True)
class Cursor:
    """Where a pull resumes: the watermark of fully enqueued changes, and the next page of a full run."""

    entity: str
    mode: str
    last_modified_at: datetime | None
    next_page: int | None
    run_id: int | None


@dataclass
class RunProgress:
    """A run's counters: what one page adds to its run, or (summed with `add`) the run so far."""

    pages: int = 0
    records: int = 0
    enqueued: int = 0
    skipped: int = 0
    failed: int = 0

    def add(self, other: RunProgress) -> None:
        self.pages += other.pages
        self.records += other.records
        self.enqueued += other.enqueued
        self.skipped += other.skipped
        self.failed += other.failed


class SyncRunRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def start(self, entity: str, mode: str, details: str = "{}") -> int:
        run_id = await self.session.scalar(INSERT_RUN, {"entity": entity, "mode": mode, "details": details})
        assert run_id is not None
        return int(run_id)

    async def add_progress(self, run_id: int, progress: RunProgress) -> bool:
        """Adds counters; returns whether a cancel was requested."""
        params = {"id": run_id, **asdict(progress)}
        cancel = await self.session.scalar(ADD_PROGRESS, params)
        return bool(cancel)

    async def finish(self, run_id: int, status: str, error: str | None = None) -> None:
        await self.session.execute(FINISH_RUN, {"id": run_id, "status": status, "error": error})

    async def request_cancel(self, run_id: int) -> bool:
        return (await self.session.scalar(REQUEST_CANCEL, {"id": run_id})) is not None

    async def mark_interrupted(self, stale_s: float) -> list[int]:
        rows = await self.session.execute(MARK_INTERRUPTED, {"stale_s": stale_s})
        return [int(r[0]) for r in rows]

    async def get(self, run_id: int) -> dict[str, Any] | None:
        row = (await self.session.execute(SELECT_RUN, {"id": run_id})).mappings().first()
        return dict(row) if row else None

    async def recent(self, limit: int = 20) -> list[dict[str, Any]]:
        rows = (await self.session.execute(SELECT_RUNS, {"limit": limit})).mappings().all()
        return [dict(r) for r in rows]


class CursorRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, entity: str, mode: str) -> Cursor | None:
        row = (await self.session.execute(SELECT_CURSOR, {"entity": entity, "mode": mode})).first()
        return Cursor(*row) if row else None

    async def save(self, cursor: Cursor) -> None:
        await self.session.execute(UPSERT_CURSOR, cursor.__dict__)


# One scheduler at a time across every process and machine: a session-level advisory lock.
SCHEDULER_LOCK_KEY = 0x7D5_5C4D


class SchedulerLock(AdvisoryLock):
    """`async with SchedulerLock(connection) as held:`; held is False when another process has it."""

    def __init__(self, connection: AsyncConnection, key: int = SCHEDULER_LOCK_KEY) -> None:
        super().__init__(connection, key)
