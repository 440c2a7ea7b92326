"""`tds backup` and `tds restore FILE`: pg_dump archives of TDS Core's schema (and, asked, the ERP tables)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from tds.commands.common import in_container, load_cli_settings
from tds.errors import BackupError, ConfigurationError, DatabaseUnavailable

if TYPE_CHECKING:
    from tds.backup.service import BackupService, RestorePart, RestoreResult

T = TypeVar("T")


def backup(
    with_erp: Annotated[
        bool,
        typer.Option("--with-erp", help="add the ERP tables the profile writes (they belong to the ERP)"),
    ] = False,
    directory: Annotated[
        Path | None, typer.Option("--dir", help="where to write (default TDS_BACKUP__DIR)")
    ] = None,
) -> None:
    """Back up TDS Core's schema: gzipped pg_dump archive, SHA-256 file, checked with pg_restore --list."""
    result = _run(lambda service: service.backup(with_erp=with_erp, directory=directory))
    erp = f" and {len(result.manifest.erp_tables)} ERP tables" if result.manifest.erp_tables else ""
    own = len(result.listing.tables) - len(result.manifest.erp_tables)
    held = f"schema {result.manifest.schema} ({own} tables){erp}"
    typer.echo(f"backup {result.path} ({result.size_bytes} bytes): {held}")
    typer.echo(f"sha256 {result.sha256}, verified with pg_restore --list ({result.listing.entries} entries)")
    for old in result.pruned:
        typer.echo(f"removed {old.name} (past retention)")


def restore(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="a backup made by tds backup")],
    force: Annotated[
        bool, typer.Option("--force", help="replace tables that hold rows, and restore the ERP tables")
    ] = False,
    tds_only: Annotated[
        bool, typer.Option("--tds-only", help="restore TDS Core's schema alone, not the ERP tables")
    ] = False,
    erp_only: Annotated[
        bool, typer.Option("--erp-only", help="restore the archive's ERP tables alone (needs --force)")
    ] = False,
) -> None:
    """Restore a backup into the configured database (over rows, or with ERP tables, only with --force)."""
    if tds_only and erp_only:
        raise typer.BadParameter("--tds-only and --erp-only exclude each other")
    part: RestorePart = "tds" if tds_only else "erp" if erp_only else "all"
    result = _run(lambda service: service.restore(file, force=force, part=part))
    typer.echo(f"restored {_restored(result)} from {file.name}; schema at revision {result.revision}")
    if result.replaced:
        typer.echo(f"replaced {len(result.replaced)} tables that held rows: {', '.join(result.replaced)}")
    typer.echo(
        "next: tds replay --since <backup time>, tds sync all --incremental, then tds reconcile all "
        "--repair to realign TDS Core's sync state and the ERP (docs/deployment.md, Backups)"
    )


def _restored(result: RestoreResult) -> str:
    parts = []
    if result.tds_tables:
        parts.append(f"schema {result.manifest.schema} ({len(result.tds_tables)} tables)")
    if result.erp_tables:
        parts.append(f"{len(result.erp_tables)} ERP tables")
    return " and ".join(parts)


def _run(work: Callable[[BackupService], Awaitable[T]]) -> T:
    try:
        return asyncio.run(_with_service(work))
    except (BackupError, ConfigurationError, DatabaseUnavailable) as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(code=1) from exc


async def _with_service(work: Callable[[BackupService], Awaitable[T]]) -> T:
    from tds.backup.service import BackupService

    settings = load_cli_settings()
    return await in_container(
        settings, lambda container: work(BackupService(settings, container.database_url, container.sessions))
    )
