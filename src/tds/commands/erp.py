"""`tds erp check` and `tds erp plan`: validate the ERP profile, and show what a record would write."""

from __future__ import annotations

import asyncio
import json
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
