"""`tds uninstall`: lists what TDS Core created in the database, and drops its schema once confirmed."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from tds.commands.common import in_container, load_cli_settings
from tds.errors import DatabaseUnavailable, UninstallError

if TYPE_CHECKING:
    from tds.installation.service import Installation, InstallationService, InstalledSchema

T = TypeVar("T")


def uninstall(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="list what would be dropped; drop nothing")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", help="do not ask for confirmation")] = False,
    with_erp_schema: Annotated[
        bool,
        typer.Option(
            "--with-erp-schema", help="also drop the default erp schema TDS Core created (ERP data!)"
        ),
    ] = False,
) -> None:
    """Drop TDS Core's schema (tables, sequences, functions, version table); never a profile's tables."""
    found = _run(lambda service: service.inspect())
    _describe(found)
    if found.own is None:
        typer.echo(f"TDS Core's schema {found.schema_name} does not exist: nothing to uninstall")
        return
    dropped = [found.own.name] + ([found.erp.name] if with_erp_schema and found.erp else [])
    if dry_run:
        typer.echo(f"dry run: nothing was dropped; tds uninstall would drop schema {', '.join(dropped)}")
        return
    if not yes:
        typer.confirm(f"Drop schema {' and '.join(dropped)} and everything in it?", abort=True)
    _run(lambda service: service.uninstall(with_erp_schema=with_erp_schema))
    typer.echo(f"dropped schema {' and '.join(dropped)}; tds migrate installs TDS Core again")
    if found.erp is not None and not with_erp_schema:
        typer.echo(f"kept schema {found.erp.name} and its ERP data; tds migrate takes it back as it is")


def _describe(found: Installation) -> None:
    if found.own is not None:
        _list(f"TDS Core's schema {found.own.name}", found.own, found.version_table)
    if found.erp is not None:
        _list(
            f"the default ERP schema {found.erp.name}, created by TDS Core's migrations (its tables hold "
            "ERP data; dropped only with --with-erp-schema)",
            found.erp,
            found.version_table,
        )


def _list(title: str, schema: InstalledSchema, version_table: str) -> None:
    typer.echo(f"{title}: {len(schema.objects)} objects")
    for item in schema.objects:
        note = "  (Alembic's version table)" if item.name == version_table else ""
        typer.echo(f"  {item.kind:9} {item.name}{note}")


def _run(work: Callable[[InstallationService], Awaitable[T]]) -> T:
    try:
        return asyncio.run(_with_service(work))
    except (UninstallError, DatabaseUnavailable) as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(code=1) from exc


async def _with_service(work: Callable[[InstallationService], Awaitable[T]]) -> T:
    from tds.installation.service import InstallationService

    settings = load_cli_settings()
    schema = settings.db.schema_name
    return await in_container(
        settings, lambda container: work(InstallationService(container.sessions, schema))
    )
