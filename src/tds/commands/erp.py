"""`tds erp check`, `plan`, `reapply` and `shadow-report`: the profile checked, a record planned, stored
records written again through the profile, shadow summed."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from tds.commands.common import in_container, in_transaction, load_cli_settings
from tds.config import Settings

app = typer.Typer(help="The ERP target profile: check it against the database, plan a record's rows.")


@app.command()
def check() -> None:
    """Validate the ERP profile against the database; print every problem with its fix."""
    result = asyncio.run(_check(load_cli_settings()))
    typer.echo(result.text)
    raise typer.Exit(code=0 if result.ok else 1)


async def _check(settings: Settings) -> Any:
    from tds.entities.check import check_erp

    return await in_transaction(settings, lambda session: check_erp(session, settings.erp))


@app.command()
def plan(
    entity: Annotated[str, typer.Argument(help="the Zoho entity (item, contact, salesorder, ...)")],
    payload: Annotated[Path, typer.Argument(help="a JSON file with one Zoho record (bare or wrapped)")],
) -> None:
    """Print the rows one Zoho record would write through the profile, without writing them."""
    from tds.entities import catalog
    from tds.errors import TdsError

    spec = catalog.lookup(entity)
    if spec is None:
        raise typer.BadParameter(f"unknown entity {entity!r} (known: {', '.join(catalog.ENTITY_NAMES)})")
    try:
        record = json.loads(payload.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise typer.BadParameter(f"{payload}: {exc}") from exc
    if isinstance(record, dict) and isinstance(record.get(spec.module_key), dict):
        record = record[spec.module_key]
    try:
        planned = asyncio.run(_plan(load_cli_settings(), spec.name, record))
    except TdsError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(code=1) from exc
    typer.echo(json.dumps(planned, indent=2, ensure_ascii=False, default=str))


async def _plan(settings: Settings, entity: str, record: Any) -> list[dict[str, Any]]:
    from dataclasses import asdict

    from tds.entities.plan import plan_record
    from tds.entities.target import build_target

    target = build_target(settings.erp)
    planned = await in_transaction(settings, lambda session: plan_record(session, target, entity, record))
    return [asdict(table) for table in planned]


@app.command()
def reapply(
    entity: Annotated[
        str | None, typer.Argument(help="a `sync: tds` entity of the profile (default: all of them)")
    ] = None,
    batch: Annotated[int, typer.Option("--batch", min=1, help="records queued per transaction")] = 500,
    restart: Annotated[
        bool, typer.Option("--restart", help="from the first record, not from where the last run stopped")
    ] = False,
) -> None:
    """Queue every stored record of the profiled entities again, from its last payload in the inbox, so
    that the worker writes it through the running profile (after a profile change). Resumable."""
    asyncio.run(_reapply(load_cli_settings(), entity, batch, restart))


async def _reapply(settings: Settings, entity: str | None, batch: int, restart: bool) -> None:
    from tds.bootstrap import Container
    from tds.entities.target import build_target
    from tds.inbox.service import InboxService
    from tds.reapply.service import ReapplyProgress, ReapplyService

    digests = {name: plan.digest for name, plan in build_target(settings.erp).plans.items()}
    names = sorted(digests) if entity is None else [_profiled(entity, digests)]
    inbox = InboxService(max_attempts=settings.worker.max_attempts)

    def show(step: ReapplyProgress) -> None:
        typer.echo(
            f"{step.entity}: {step.queued} queued, {step.missing} without a payload (up to {step.after})"
        )

    async def run_all(container: Container) -> None:
        service = ReapplyService(container.sessions, inbox, digests)
        for name in names:
            done = await service.run(name, batch, restart=restart, on_batch=show)
            resumed = " (went on from the last run)" if done.resumed else ""
            typer.echo(f"{name}: {done.queued} record(s) queued for the worker{resumed}")
            if done.missing:
                typer.echo(
                    f"{name}: {done.missing} record(s) have no payload left in the inbox (pruned by"
                    f" retention); run `tds sync {name}` (a full pull) to write them through the profile"
                )

    await in_container(settings, run_all)


def _profiled(entity: str, digests: dict[str, str]) -> str:
    from tds.entities import catalog

    spec = catalog.lookup(entity)
    if spec is None or spec.name not in digests:
        known = ", ".join(sorted(digests)) or "none"
        raise typer.BadParameter(f"{entity!r} is not a `sync: tds` entity of the profile (those: {known})")
    return spec.name


# The columns of the shadow report: outcome as stored, and as the report calls it.
SHADOW_COLUMNS = (
    ("inserted", "insert"),
    ("updated", "update"),
    ("deleted", "delete"),
    ("unchanged", "leave"),
    ("stale", "stale"),
)


@app.command("shadow-report")
def shadow_report(
    since: Annotated[
        datetime | None, typer.Option(help="only events handled since then (ISO 8601, e.g. 2026-12-04T09:00)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object per entity and outcome")] = False,
) -> None:
    """What shadow mode (TDS_ERP__SHADOW=true) would have done: per entity, the records it would insert,
    update, delete or leave as they are (each record counted once, by its latest event)."""
    counts = asyncio.run(_shadow_counts(load_cli_settings(), since))
    if as_json:
        for count in counts:
            typer.echo(
                json.dumps({"entity": count.entity, "outcome": count.outcome, "records": count.records})
            )
        return
    if not counts:
        typer.echo("no shadow outcomes recorded (is TDS_ERP__SHADOW=true, and has the worker run?)")
        return
    table: dict[str, dict[str, int]] = {}
    for count in counts:
        table.setdefault(count.entity, {})[count.outcome] = count.records
    header = ["entity", *(label for _, label in SHADOW_COLUMNS)]
    typer.echo("  ".join(f"{h:>10}" if i else f"{h:<22}" for i, h in enumerate(header)))
    for entity, by_outcome in sorted(table.items()):
        cells = [f"{by_outcome.get(outcome, 0):>10}" for outcome, _ in SHADOW_COLUMNS]
        typer.echo("  ".join([f"{entity:<22}", *cells]))
    typer.echo("failed events are in the dead letters (tds dlq list, or the dashboard)")


async def _shadow_counts(settings: Settings, since: datetime | None) -> list[Any]:
    from tds.entities.shadow_repository import ShadowRepository

    return await in_transaction(settings, lambda session: ShadowRepository(session).summary(since))
