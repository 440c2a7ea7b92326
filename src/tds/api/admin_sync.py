"""Admin API for pull sync: start a run, watch its progress, cancel it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.encoders import jsonable_encoder
from sqlalchemy.ext.asyncio import AsyncSession

from tds.api.deps import get_container, get_session, require_admin
from tds.bootstrap import Container
from tds.entities.catalog import ENTITY_NAMES, lookup
from tds.errors import NotFound, TdsError, UnknownEntity
from tds.pull.factory import PullComponents, zoho_configured
from tds.pull.repository import SyncRunRepository

log = logging.getLogger(__name__)
SyncMode = Literal["full", "incremental"]
router = APIRouter(prefix="/admin/sync", tags=["admin: sync"], dependencies=[Depends(require_admin)])


class ZohoNotConfigured(TdsError):
    """Zoho Books is not configured (TDS_ZOHO__CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, ORGANIZATION_ID)."""

    status_code = 503


class BackgroundRuns:
    """Sync runs started over the API; cancelled (and so marked cancelled) when the process stops."""

    def __init__(self) -> None:
        self.tasks: set[asyncio.Task[Any]] = set()

    def start(self, run: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.create_task(run)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def aclose(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


def pull_components(container: Container) -> PullComponents:
    """The process's pull components; 503 when Zoho is not configured."""
    if not zoho_configured(container.settings):
        raise ZohoNotConfigured()
    return container.pull()


@router.post("/{entity}", status_code=202)
async def start_sync(
    entity: str,
    mode: SyncMode = Query("incremental"),
    container: Container = Depends(get_container),
) -> dict[str, Any]:
    """Starts one sync run (or one per entity for `all`) in the background; answers with the run ids."""
    return {"status": "started", "mode": mode, "runs": await start_runs(container, entity, mode)}


async def start_runs(container: Container, entity: str, mode: SyncMode) -> list[int]:
    """Starts a background run of `entity` (or of every entity for `all`); the new run ids."""
    names = list(ENTITY_NAMES) if entity == "all" else [_canonical(entity)]
    pull = pull_components(container)
    running: BackgroundRuns = container.extras.setdefault("sync_runs", BackgroundRuns())
    run_ids = []
    for name in names:
        run_id = await pull.service.start_run(name, mode)
        running.start(pull.service.run(name, mode, run_id=run_id))
        run_ids.append(run_id)
    return run_ids


@router.get("/budget")
async def budget(container: Container = Depends(get_container)) -> dict[str, Any]:
    """Today's Zoho API budget (used and left, counted by every process) and this process's client stats."""
    pull = pull_components(container)
    usage = await pull.client.budget_usage()
    return {
        "day": usage.day.isoformat(),
        "used": usage.used,
        "limit": usage.limit,
        "left": usage.left,
        "client": pull.client.stats.snapshot(),
    }


@router.get("/runs")
async def list_runs(
    limit: int = Query(20, ge=1, le=500), session: AsyncSession = Depends(get_session, scope="function")
) -> dict[str, Any]:
    return {"runs": jsonable_encoder(await SyncRunRepository(session).recent(limit))}


@router.get("/runs/{run_id}")
async def get_run(
    run_id: int, session: AsyncSession = Depends(get_session, scope="function")
) -> dict[str, Any]:
    run = await SyncRunRepository(session).get(run_id)
    if run is None:
        raise NotFound(f"sync run {run_id} does not exist")
    return {"run": jsonable_encoder(run)}


@router.post("/runs/{run_id}/cancel", status_code=202)
async def cancel_run(
    run_id: int, session: AsyncSession = Depends(get_session, scope="function")
) -> dict[str, Any]:
    """Asks a running run to stop after its current page."""
    await request_cancel(session, run_id)
    return {"status": "cancel requested", "run": run_id}


async def request_cancel(session: AsyncSession, run_id: int) -> None:
    """Asks a running run to stop after its current page; NotFound when it is not running."""
    if not await SyncRunRepository(session).request_cancel(run_id):
        raise NotFound(f"sync run {run_id} does not exist or has already finished")


def _canonical(name: str) -> str:
    spec = lookup(name)
    if spec is None:
        raise UnknownEntity(f"unknown entity {name!r}; known: {', '.join(ENTITY_NAMES)} or 'all'")
    return spec.name
