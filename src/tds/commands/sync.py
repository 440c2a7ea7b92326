"""`tds sync`: bulk or incremental pull of one entity or all, with a live progress bar."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from tds.commands.common import load_cli_settings
from tds.config import Settings
from tds.entities.catalog import ENTITY_NAMES, lookup

if TYPE_CHECKING:  # the pull stack is imported only when a sync runs
    from tds.pull.ports import Mode, RunTotals


def sync(
    entity: Annotated[str, typer.Argument(help=f"an entity ({', '.join(ENTITY_NAMES)}) or 'all'")],
    incremental: Annotated[
        bool, typer.Option("--incremental", help="only what changed since the last run")
    ] = False,
) -> None:
    """Pull records from Zoho Books into the queue (the workers apply them)."""
    settings = load_cli_settings()
    names = list(ENTITY_NAMES) if entity == "all" else [_canonical(entity)]
    mode: Mode = "incremental" if incremental else "full"
    failed = asyncio.run(_run(settings, names, mode))
    raise typer.Exit(code=1 if failed else 0)


def _canonical(name: str) -> str:
    spec = lookup(name)
    if spec is None:
        raise typer.BadParameter(f"unknown entity {name!r}; known: {', '.join(ENTITY_NAMES)} or 'all'")
    return spec.name


async def _run(settings: Settings, names: list[str], mode: Mode) -> int:
    from tds.bootstrap import build_container
    from tds.pull.factory import ZOHO_SETTINGS_MISSING, build_pull, zoho_configured

    if not zoho_configured(settings):
        typer.echo(ZOHO_SETTINGS_MISSING, err=True)
        return 1
    container = await build_container(settings)
    pull = build_pull(settings, container.engine, container.sessions)
    failed = 0
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[info]}"),
        TimeElapsedColumn(),
    )
    try:
        with Progress(*columns) as progress:
            for name in names:
                task = progress.add_task(f"{name} ({mode})", total=None, info="starting")

                def show(run_id: int, totals: RunTotals, task: TaskID = task) -> None:
                    progress.update(task, info=_info(run_id, totals))

                totals = await pull.service.run(name, mode, on_progress=show)
                progress.update(task, total=1, completed=1, info=f"{totals.status}: {_info(0, totals)}")
                if totals.note:
                    progress.console.print(f"{name}: {totals.note}")
                failed += totals.status not in ("succeeded", "paused", "skipped")
    finally:
        await pull.aclose()
        await container.aclose()
    return failed


def _info(run_id: int, totals: RunTotals) -> str:
    prefix = f"run {run_id}: " if run_id else ""
    return (
        f"{prefix}{totals.pages} pages, {totals.records} records, {totals.enqueued} enqueued, "
        f"{totals.skipped} unchanged, {totals.failed} failed"
    )
