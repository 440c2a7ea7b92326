"""`tds replay`: run inbox events again, by event id, by dead-letter id, or by filter."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, cast

import typer

from tds.commands.common import in_transaction, load_cli_settings
from tds.config import Settings
from tds.errors import NotFound
from tds.queue.jobs import REPLAYABLE_STATUSES, ReplayableStatus, ReplayFilter, ReplayResult
from tds.queue.service import InvalidQueueRequest

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

MAX_ID = 2**63 - 1  # ids are bigint
TIME_FORMATS = ["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S%z"]
SinceOption = Annotated[
    datetime | None, typer.Option(formats=TIME_FORMATS, help="received at or after (UTC unless an offset)")
]
UntilOption = Annotated[
    datetime | None, typer.Option(formats=TIME_FORMATS, help="received before (UTC unless an offset)")
]


def replay(
    event: Annotated[
        int | None, typer.Option("--event", min=1, max=MAX_ID, help="one inbox event id")
    ] = None,
    dlq: Annotated[
        int | None, typer.Option("--dlq", min=1, max=MAX_ID, help="one dead-letter entry id")
    ] = None,
    entity: Annotated[str | None, typer.Option(help="only this entity (name or alias)")] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    status: Annotated[
        str | None, typer.Option(help=f"only events in this inbox status ({', '.join(REPLAYABLE_STATUSES)})")
    ] = None,
) -> None:
    """Re-enqueue inbox events: one (--event), a dead letter's (--dlq), or all matching the filters."""
    where = ReplayFilter(entity, _utc(since), _utc(until), cast(ReplayableStatus | None, status))
    if sum((event is not None, dlq is not None, not where.is_empty)) != 1:
        raise typer.BadParameter(
            "give exactly one of --event, --dlq or filters (--entity/--since/--until/--status)"
        )
    try:
        result = asyncio.run(_replay(load_cli_settings(), event, dlq, where))
    except InvalidQueueRequest as exc:
        raise typer.BadParameter(exc.message) from exc
    except NotFound as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(code=1) from exc
    already = result.matched - result.enqueued
    suffix = f" ({already} already queued)" if already else ""
    typer.echo(f"re-enqueued {result.enqueued} of {result.matched} matching event(s){suffix}")


async def _replay(
    settings: Settings, event: int | None, dlq: int | None, where: ReplayFilter
) -> ReplayResult:
    from tds.queue.service import QueueService

    async def replay(session: AsyncSession) -> ReplayResult:
        service = QueueService(session, settings.worker.max_attempts)
        if event is not None:
            return await service.replay_event(event)
        if dlq is not None:
            return await service.replay_dead_letter(dlq)
        return await service.replay_matching(where)

    return await in_transaction(settings, replay)


def _utc(moment: datetime | None) -> datetime | None:
    """Times given without an offset are UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)
