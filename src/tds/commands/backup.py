"""`tds backup` and `tds restore FILE`: pg_dump archives of the TDS and ERP tables (or the whole database)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from tds.commands.common import load_cli_settings
from tds.errors import BackupError, DatabaseUnavailable

if TYPE_CHECKING:
    from tds.backup.service import BackupService

T = TypeVar("T")


def backup(
    whole: Annotated[
        bool, typer.Option("--whole", help="the whole database, not only the TDS and ERP tables")
    ] = False,
    directory: Annotated[
        Path | None, typer.Option("--dir", help="where to write (default TDS_BACKUP__DIR)")
    ] = None,
) -> None:
    """Back up the database: gzipped pg_dump archive, SHA-256 file, checked with pg_restore --list."""
    result = _run(lambda service: service.backup(whole=whole, directory=directory))
    typer.echo(f"backup {result.path} ({result.size_bytes} bytes, {len(result.listing.tables)} tables)")
    typer.echo(f"sha256 {result.sha256}, verified with pg_restore --list ({result.listing.entries} entries)")
    for old in result.pruned:
        typer.echo(f"removed {old.name} (past retention)")


def restore(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="a backup made by tds backup")],
    force: Annotated[bool, typer.Option("--force", help="replace the tables even if they hold rows")] = False,
) -> None:
    """Restore a backup into the configured database (refused when it holds data, unless --force)."""
    result = _run(lambda service: service.restore(file, force=force))
    kind = "whole database" if result.whole else f"{len(result.listing.tables)} tables"
    replaced = f", replacing {len(result.replaced)} non-empty tables" if result.replaced else ""
    typer.echo(f"restored {kind} from {file.name}{replaced}; schema at revision {result.revision}")
    typer.echo("next: tds replay --since <backup time> and tds sync all --incremental bring it up to date")


def _run(work: Callable[[BackupService], Awaitable[T]]) -> T:
    try:
        return asyncio.run(_with_service(work))
    except (BackupError, DatabaseUnavailable) as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(code=1) from exc


async def _with_service(work: Callable[[BackupService], Awaitable[T]]) -> T:
    from tds.backup.service import BackupService
    from tds.bootstrap import build_container

    settings = load_cli_settings()
    container = await build_container(settings, migrate_now=False)
    try:
        return await work(BackupService(settings, container.database_url, container.sessions))
    finally:
        await container.aclose()
