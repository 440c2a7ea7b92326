"""Backup and restore of TDS Core's schema, and of the ERP tables its profile writes only when asked.

TDS Core never dumps or restores anything outside its own schema by default: the ERP's tables belong
to another application. `with_erp` adds the tables the profile writes (entities/target.py), and the
archive's manifest records which. A restore refuses ERP tables unless forced, or leaves them out
(`part="tds"`); it replaces the tables of the parts it restores in one pg_restore transaction, and
migrates the result to the code's head.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tds.backup import archive
from tds.backup.archive import Listing
from tds.backup.contents import Manifest, contents_problem, select_entries
from tds.backup.repository import BackupRepository
from tds.backup.tools import PgTools, find_tools
from tds.config import Settings
from tds.db import migrate
from tds.db.engine import transaction
from tds.errors import BackupError
from tds.installation.repository import InstallationRepository

log = logging.getLogger(__name__)
RestorePart = Literal["all", "tds", "erp"]  # both parts the archive holds, or one of them alone
CLEAN = ["--clean", "--if-exists"]  # each restored object replaces the one of its name


@dataclass(frozen=True)
class BackupResult:
    """A backup made and checked, what it holds, and the old ones retention removed."""

    path: Path
    sha256: str
    size_bytes: int
    listing: Listing
    manifest: Manifest
    pruned: list[Path]


@dataclass(frozen=True)
class RestoreResult:
    """A restore done: the tables restored of each part, those that held rows, the schema's revision."""

    listing: Listing
    manifest: Manifest
    tds_tables: list[str]
    erp_tables: list[str]
    replaced: list[str]
    revision: str | None


class BackupService:
    """Backs up and restores one database with the PostgreSQL client programs of a fitting version."""

    def __init__(self, settings: Settings, url: str, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.settings = settings
        self.url = url
        self.sessions = sessions

    @property
    def schema(self) -> str:
        return self.settings.db.schema_name

    async def tools(self) -> PgTools:
        async with transaction(self.sessions) as session:
            server_major = await BackupRepository(session).server_major()
        return await asyncio.to_thread(find_tools, server_major, self.settings.backup.pg_bin_dir)

    def erp_tables(self) -> list[str]:
        """The ERP tables the configured profile writes (schema.name)."""
        from tds.entities.target import build_target

        return build_target(self.settings.erp).written_tables()

    def scope(self, with_erp: bool) -> tuple[list[str], Manifest]:
        """pg_dump's selection, and the manifest saying what it holds: TDS Core's schema, and with
        `with_erp` the profile's tables (pg_dump then takes tables only: `--schema` and `--table` do
        not combine, so the queue's trigger function comes from the migrations on restore)."""
        if not with_erp:
            return [f"--schema={_pattern(self.schema)}"], Manifest(self.schema)
        tables = self.erp_tables()
        patterns = [f"{_pattern(self.schema)}.*", *(_pattern(*t.split(".", 1)) for t in tables)]
        return ["--strict-names", *(f"--table={p}" for p in patterns)], Manifest(self.schema, tuple(tables))

    async def backup(self, *, with_erp: bool = False, directory: Path | None = None) -> BackupResult:
        """Dumps, checks (checksum, manifest and pg_restore --list), then prunes backups past retention."""
        tools = await self.tools()
        args, manifest = self.scope(with_erp)
        target = _new_path(directory or self.settings.backup.dir, with_erp)
        sha256 = await asyncio.to_thread(archive.dump, tools, self.url, args, target, manifest)
        manifest, listing = await self.verify(target, tools)
        pruned = prune(target.parent, self.settings.backup.retention_days, keep=target)
        return BackupResult(target, sha256, target.stat().st_size, listing, manifest, pruned)

    async def verify(self, path: Path, tools: PgTools | None = None) -> tuple[Manifest, Listing]:
        """Checksum first, then the manifest, then the archive read through pg_restore --list."""
        tools = tools or await self.tools()
        await asyncio.to_thread(archive.check_checksum, path)
        manifest = await asyncio.to_thread(archive.read_manifest, path)
        if manifest is None:
            raise BackupError(
                f"{path.name} has no manifest: it was not written by this release's tds backup. Load it "
                "with pg_restore into an empty database yourself, then run tds migrate"
            )
        listing = await asyncio.to_thread(archive.list_archive, tools, path)
        problem = contents_problem(manifest, listing.toc)
        if problem:
            raise BackupError(f"{path.name} does not hold what its manifest says: {problem}")
        return manifest, listing

    async def restore(self, path: Path, *, force: bool = False, part: RestorePart = "all") -> RestoreResult:
        """Loads a backup: TDS Core's schema, the ERP tables it holds, or one of them (`part`).

        Raises:
            BackupError: the archive is damaged or not this installation's; it holds ERP tables and
                neither `force` nor `part="tds"` was given; TDS Core's tables hold rows and `force`
                was not given; or pg_restore failed (its transaction rolled back).
        """
        tools = await self.tools()
        manifest, listing = await self.verify(path, tools)
        tds, erp = self._parts(path, manifest, part, force)
        replaced = await self._check_database(manifest, tds=tds, erp=erp, force=force)
        # TDS Core's schema and the queue's trigger function exist before the archive's tables come
        await asyncio.to_thread(migrate.upgrade_installation, self.url, self.settings)
        if tds:
            await self._drop_tables_not_in(listing)
        selection = select_entries(listing.toc, manifest, tds=tds, erp=erp)
        await asyncio.to_thread(archive.load, tools, path, self.url, CLEAN, selection)
        # a backup of an older release is brought up to date
        await asyncio.to_thread(migrate.upgrade_installation, self.url, self.settings)
        own = [t for t in listing.tables if t.partition(".")[0] == self.schema] if tds else []
        restored_erp = list(manifest.erp_tables) if erp else []
        return RestoreResult(listing, manifest, own, restored_erp, replaced, migrate.head_revision())

    def _parts(self, path: Path, manifest: Manifest, part: RestorePart, force: bool) -> tuple[bool, bool]:
        """Which parts to restore: (TDS Core's schema, the ERP tables); refuses what must not be."""
        if manifest.schema != self.schema:
            raise BackupError(
                f"{path.name} holds TDS Core's schema {manifest.schema}, but this installation's is "
                f"{self.schema} (TDS_DB__SCHEMA_NAME); restore it with that setting"
            )
        if part == "erp" and not manifest.erp_tables:
            raise BackupError(f"{path.name} holds no ERP tables (it was made without --with-erp)")
        erp = part != "tds" and bool(manifest.erp_tables)
        if erp:
            self._check_erp(path, manifest, force)
        return part != "erp", erp

    def _check_erp(self, path: Path, manifest: Manifest, force: bool) -> None:
        foreign = sorted(set(manifest.erp_tables) - set(self.erp_tables()))
        if foreign:
            raise BackupError(
                f"{path.name} holds tables the ERP profile does not write ({', '.join(foreign)}); TDS Core "
                "restores no table outside its schema and its profile. Pass --tds-only, or restore "
                "those tables with the ERP's own tools"
            )
        if not force:
            tables = ", ".join(manifest.erp_tables)
            raise BackupError(
                f"{path.name} holds {len(manifest.erp_tables)} ERP tables ({tables}). "
                "They belong to the ERP, not to TDS Core: restoring them replaces the ERP's rows and "
                "whatever else wrote them since. Pass --tds-only to restore TDS Core's schema alone, or "
                "--force to restore them too (stop whatever writes them first)",
                tables=len(manifest.erp_tables),
            )

    async def _check_database(self, manifest: Manifest, *, tds: bool, erp: bool, force: bool) -> list[str]:
        """The tables a restore replaces that hold rows; refuses rows in TDS Core's schema without
        `force`, and a schema that objects outside it depend on (the restore would drop them)."""
        version_table = f"{self.schema}.alembic_version"  # a migrated, empty database has its row
        async with transaction(self.sessions) as session:
            backups = BackupRepository(session)
            own = [t for t in await backups.schema_tables(self.schema) if t != version_table] if tds else []
            filled = await backups.tables_with_rows(own)
            dependents = (
                await InstallationRepository(session).outside_dependents([self.schema]) if tds else []
            )
            erp_filled = await backups.tables_with_rows(manifest.erp_tables) if erp else []
        if dependents:
            raise BackupError(
                f"objects outside {self.schema} depend on its tables and a restore would drop them: "
                f"{'; '.join(dependents)}. Drop or change those first"
            )
        if filled and not force:
            raise BackupError(
                f"the database is not empty ({len(filled)} tables of {self.schema} hold rows, e.g. "
                f"{', '.join(filled[:3])}); restore into an empty database, or pass --force to replace "
                "what is there",
                tables=len(filled),
            )
        return filled + erp_filled

    async def _drop_tables_not_in(self, listing: Listing) -> None:
        """Drops the tables of TDS Core's schema the archive has none of (those of a newer release than
        the backup's): the migrations create them again, from the archive's revision on."""
        archived = set(listing.tables)
        async with transaction(self.sessions) as session:
            backups = BackupRepository(session)
            extra = [t for t in await backups.schema_tables(self.schema) if t not in archived]
            await backups.drop_tables(extra)
        if extra:
            log.info("dropped %d tables the backup does not hold: %s", len(extra), ", ".join(extra))


def _pattern(*parts: str) -> str:
    """A pg_dump pattern naming exactly these identifiers (quoted: no wildcard, no case folding)."""
    return ".".join('"' + part.replace('"', '""') + '"' for part in parts)


def _new_path(directory: Path, with_erp: bool) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    kind = "with-erp" if with_erp else "schema"
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
