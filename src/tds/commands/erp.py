"""`tds erp check`, `plan` and `shadow-report`: the profile checked, a record planned, shadow summed."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from tds.commands.common import load_cli_settings
from tds.config import Settings

app = typer.Typer(help="The ERP target profile: check it against the database, plan a record's rows.")


@app.command()
def check() -> None:
    """Validate the ERP profile against the database; print every problem with its fix."""
    result = asyncio.run(_check(load_cli_settings()))
    typer.echo(result.text)
    raise typer.Exit(code=0 if result.ok else 1)


async def _check(settings: Settings) -> Any:
    from tds.bootstrap import build_container
    from tds.db.engine import transaction
    from tds.entities.check import check_erp

    container = await build_container(settings, migrate_now=False)
    try:
        async with transaction(container.sessions) as session:
            return await check_erp(session, settings.erp)
    finally:
        await container.aclose()


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

    from tds.bootstrap import build_container
    from tds.db.engine import transaction
    from tds.entities.plan import plan_record
    from tds.entities.target import build_target

    target = build_target(settings.erp)
    container = await build_container(settings, migrate_now=False)
    try:
        async with transaction(container.sessions) as session:
            return [asdict(table) for table in await plan_record(session, target, entity, record)]
    finally:
        await container.aclose()


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
    from tds.bootstrap import build_container
    from tds.db.engine import transaction
    from tds.entities.shadow_repository import ShadowRepository

    container = await build_container(settings, migrate_now=False)
    try:
        async with transaction(container.sessions) as session:
            return await ShadowRepository(session).summary(since)
    finally:
        await container.aclose()
