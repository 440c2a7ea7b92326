"""Backup and restore: which tables, where the file goes, retention, and the refusal of a full database."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tds.backup import archive
from tds.backup.archive import Listing
from tds.backup.repository import BackupRepository
from tds.backup.tools import PgTools, find_tools
from tds.config import Settings
from tds.db import migrate
from tds.db.engine import plain_dsn, transaction
from tds.errors import BackupError

log = logging.getLogger(__name__)
WHOLE_MARKER = "tds_notify_queue"  # a function: only a whole-database dump carries it


@dataclass(frozen=True)
class BackupResult:
    """A backup made and checked, and the old ones retention removed."""

    path: Path
    sha256: str
    size_bytes: int
    listing: Listing
    pruned: list[Path]


@dataclass(frozen=True)
class RestoreResult:
    """A restore done: what the archive held, whether tables were replaced, the schema's revision."""

    listing: Listing
    whole: bool
    replaced: list[str]
    revision: str | None


class BackupService:
    """Backs up and restores one database with the PostgreSQL client programs of a fitting version."""

    def __init__(self, settings: Settings, url: str, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.settings = settings
        self.url = url
        self.sessions = sessions

    async def tools(self) -> PgTools:
        async with transaction(self.sessions) as session:
            server_major = await BackupRepository(session).server_major()
        return await asyncio.to_thread(find_tools, server_major, self.settings.backup.pg_bin_dir)

    def scope(self) -> list[str]:
        """pg_dump's --table arguments: the tds_* tables, Alembic's version and every ERP table TDS writes."""
        from tds.entities.naming import build_erp_tables

        erp = build_erp_tables(self.settings.erp)
        tables = sorted({erp.qualified_name(logical) for logical in erp})
        # --table, since pg_dump ignores --schema beside it: the schema's tables; the schema itself and
        # its function come from the migrations on restore.
        own = f"{self.settings.db.schema_name}.*"
        return [f"--table={table}" for table in (own, *tables)]

    async def backup(self, *, whole: bool = False, directory: Path | None = None) -> BackupResult:
        """Dumps, checks (checksum and pg_restore --list), then prunes backups past retention."""
        tools = await self.tools()
        target = _new_path(directory or self.settings.backup.dir, whole)
        args = [] if whole else self.scope()
        sha256 = await asyncio.to_thread(archive.dump, tools, plain_dsn(self.url), args, target)
        listing = await self.verify(target, tools)
        pruned = prune(target.parent, self.settings.backup.retention_days, keep=target)
        return BackupResult(target, sha256, target.stat().st_size, listing, pruned)

    async def verify(self, path: Path, tools: PgTools | None = None) -> Listing:
        """Checksum first, then the archive read through pg_restore --list."""
        tools = tools or await self.tools()
        await asyncio.to_thread(archive.check_checksum, path)
        return await asyncio.to_thread(archive.list_archive, tools, path)

    async def restore(self, path: Path, *, force: bool = False) -> RestoreResult:
        """Loads a backup; refuses (BackupError) a database whose tables hold rows unless `force`."""
        tools = await self.tools()
        listing = await self.verify(path, tools)
        whole = any(WHOLE_MARKER in table for table in listing.functions)
        async with transaction(self.sessions) as session:
            found = await BackupRepository(session).tables_with_rows(None if whole else listing.tables)
        version_table = f"{self.settings.db.schema_name}.alembic_version"
        filled = [table for table in found if table != version_table]  # a migrated, empty db
        if filled and not force:
            raise BackupError(
                f"the database is not empty ({len(filled)} tables hold rows, e.g. {', '.join(filled[:3])}); "
                "restore into an empty database, or pass --force to replace what is there",
                tables=len(filled),
            )
        dsn = plain_dsn(self.url)
        if whole:
            args = ["--clean", "--if-exists"] if filled else []
            await asyncio.to_thread(archive.load, tools, path, dsn, args)
        else:
            await self._restore_tables(tools, path)
        # a backup of an older release is brought up to date
        await asyncio.to_thread(migrate.upgrade_installation, self.url, self.settings)
        revision = migrate.head_revision()
        return RestoreResult(listing, whole, filled, revision)

    async def _restore_tables(self, tools: PgTools, path: Path) -> None:
        """Schemas and the queue's trigger function from the migrations; then the archive replaces its
        tables (dropped if present), loads their rows, and adds constraints and triggers after the data."""
        await asyncio.to_thread(migrate.upgrade_installation, self.url, self.settings)
        await asyncio.to_thread(archive.load, tools, path, plain_dsn(self.url), ["--clean", "--if-exists"])


def _new_path(directory: Path, whole: bool) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    kind = "database" if whole else "tables"
    path = directory / f"tds-{stamp}-{kind}{archive.SUFFIX}"
    n = 1
    while path.exists():
        n += 1
        path = directory / f"tds-{stamp}-{kind}-{n}{archive.SUFFIX}"
    return path


def prune(directory: Path, retention_days: int, *, keep: Path | None = None) -> list[Path]:
    """Removes backups (and their checksums) older than `retention_days`; 0 keeps everything."""
    if retention_days <= 0:
        return []
    cutoff = time.time() - retention_days * 86_400
    removed = []
    for path in sorted(directory.glob(f"tds-*{archive.SUFFIX}")):
        if path != keep and path.stat().st_mtime < cutoff:
            path.unlink()
            archive.checksum_path(path).unlink(missing_ok=True)
            removed.append(path)
            log.info("removed backup %s (older than %d days)", path.name, retention_days)
    return removed
