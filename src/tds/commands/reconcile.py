"""`tds reconcile`: compare Zoho and the ERP record by record, report the differences, repair on request."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Annotated

import typer

from tds.commands.common import load_cli_settings
from tds.config import Settings
from tds.entities.catalog import ENTITY_NAMES
from tds.errors import UnknownEntity

if TYPE_CHECKING:  # the reconciliation stack is imported only when a run starts
    from tds.reconcile.service import ReconcileResult

SHOWN = 20  # differences listed per entity; the rest are in the report (`/admin/reconcile/runs/{id}`)


def reconcile(
    entity: Annotated[str, typer.Argument(help=f"an entity ({', '.join(ENTITY_NAMES)}) or 'all'")],
    repair: Annotated[
        bool, typer.Option("--repair", help="queue the fixes (the workers apply them)")
    ] = False,
) -> None:
    """Compare Zoho Books and the ERP record by record; with --repair, queue what fixes the differences."""
    from tds.reconcile.factory import entity_names

    try:
        names = entity_names(entity)
    except UnknownEntity as exc:
        raise typer.BadParameter(exc.message) from exc
    failed = asyncio.run(_run(load_cli_settings(), names, repair))
    raise typer.Exit(code=1 if failed else 0)


async def _run(settings: Settings, names: list[str], repair: bool) -> int:
    from tds.bootstrap import build_container
    from tds.pull.factory import ZOHO_SETTINGS_MISSING, build_pull, zoho_configured
    from tds.reconcile.factory import build_reconcile

    if not zoho_configured(settings):
        typer.echo(ZOHO_SETTINGS_MISSING, err=True)
        return 1
    container = await build_container(settings)
    pull = build_pull(settings, container.engine, container.sessions)
    service = build_reconcile(settings, container.sessions, pull.client)
    failed = 0
    try:
        for name in names:
            result = await service.run(name, repair, on_progress=lambda message: typer.echo(f"  {message}"))
            _report(result, repair)
            failed += result.status == "failed"
    finally:
        await pull.aclose()
        await container.aclose()
    return failed


def _report(result: ReconcileResult, repair: bool) -> None:
    c = result.counts
    if result.status == "skipped":
        typer.echo(f"{result.entity}: skipped: {result.error}")
        return
    if result.status != "succeeded":
        typer.echo(f"{result.entity}: run {result.run_id} failed: {result.error}", err=True)
        return
    summary = (
        f"{result.entity}: run {result.run_id}: {c.missing} missing, {c.deleted} deleted in Zoho, "
        f"{c.drift} drifted, {c.api_calls} API calls"
    )
    typer.echo(summary + (f", {c.repaired} repairs queued" if repair else ""))
    for difference in result.differences[:SHOWN]:
        fields = f" ({', '.join(difference.fields)})" if difference.fields else ""
        typer.echo(f"    {difference.kind:8} {difference.zoho_id}{fields}")
    if len(result.differences) > SHOWN:
        typer.echo(f"    ... and {len(result.differences) - SHOWN} more in run {result.run_id}'s report")
