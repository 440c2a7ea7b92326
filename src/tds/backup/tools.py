"""Finds pg_dump and pg_restore whose major version can serve the database server (>= its major)."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tds.errors import BackupError

VERSION_RE = re.compile(r"\(PostgreSQL\)\s+(\d+)")
DEBIAN_GLOB = "/usr/lib/postgresql/*/bin"


@dataclass(frozen=True)
class PgTools:
    """One matched pair of client programs and their major version."""

    pg_dump: Path
    pg_restore: Path
    major: int


def tool_major(program: Path) -> int | None:
    """The major version `program --version` reports, or None when it does not run."""
    try:
        out = subprocess.run([str(program), "--version"], capture_output=True, text=True, timeout=10)
    except OSError:
        return None
    found = VERSION_RE.search(out.stdout)
    return int(found.group(1)) if found else None


def candidate_dirs(configured: Path | None) -> list[Path]:
    """Where to look, in order: the configured directory (alone, if set), PATH, Debian's, pgserver's."""
    if configured is not None:
        return [configured]
    dirs: list[Path] = []
    on_path = shutil.which("pg_dump")
    if on_path:
        dirs.append(Path(on_path).resolve().parent)
    dirs += sorted(Path("/").glob(DEBIAN_GLOB.lstrip("/")), reverse=True)
    try:
        from pgserver._commands import POSTGRES_BIN_PATH  # the embedded server's own binaries
    except ImportError:  # the embedded PostgreSQL is an extra (tds-core[embedded])
        pass
    else:
        dirs.append(Path(POSTGRES_BIN_PATH))
    return list(dict.fromkeys(dirs))


def find_tools(server_major: int, configured: Path | None = None) -> PgTools:
    """The closest client pair not older than the server; BackupError saying what to install if none."""
    found: list[PgTools] = []
    for directory in candidate_dirs(configured):
        dump, restore = directory / "pg_dump", directory / "pg_restore"
        major = tool_major(dump) if dump.exists() and restore.exists() else None
        if major is not None:
            found.append(PgTools(dump, restore, major))
    usable = sorted((t for t in found if t.major >= server_major), key=lambda t: t.major)
    if usable:
        return usable[0]
    seen = ", ".join(f"{t.pg_dump} ({t.major})" for t in found) or "none"
    raise BackupError(
        f"no pg_dump of PostgreSQL {server_major} or newer found (seen: {seen}); pg_dump must not be "
        f"older than the server. Install postgresql-client-{server_major} or set TDS_BACKUP__PG_BIN_DIR "
        "to a directory holding pg_dump and pg_restore of that version",
        server_major=server_major,
    )
