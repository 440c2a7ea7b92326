"""The backup file: pg_dump's custom format, gzipped, with a SHA-256 sidecar; listing and loading it."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from tds.backup.tools import PgTools
from tds.errors import BackupError

CHUNK = 1 << 20
SUFFIX = ".dump.gz"


@dataclass(frozen=True)
class Listing:
    """What `pg_restore --list` found in an archive: its tables (schema.name) and entry count."""

    entries: int
    tables: list[str]
    functions: list[str]


def checksum_path(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def dump(tools: PgTools, dsn: str, args: Sequence[str], target: Path) -> str:
    """Runs pg_dump (custom format, its own compression off) into a gzip file; returns its SHA-256."""
    command = [str(tools.pg_dump), "--format=custom", "--compress=0", "--no-owner", *args, f"--dbname={dsn}"]
    partial = target.with_name(target.name + ".partial")
    digest = hashlib.sha256()
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None
        with partial.open("wb") as raw, gzip.GzipFile(fileobj=_Hashing(raw, digest), mode="wb") as out:
            shutil.copyfileobj(proc.stdout, out, CHUNK)
        error = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {error.strip()}", returncode=proc.returncode)
    partial.rename(target)
    checksum_path(target).write_text(f"{digest.hexdigest()}  {target.name}\n")
    return digest.hexdigest()


def check_checksum(path: Path) -> str:
    """The file's SHA-256, after checking it against the sidecar (BackupError when it differs)."""
    sidecar = checksum_path(path)
    if not sidecar.exists():
        raise BackupError(f"no checksum file {sidecar.name} next to the backup")
    expected = sidecar.read_text().split()[0]
    digest = hashlib.sha256()
    with path.open("rb") as raw:
        while chunk := raw.read(CHUNK):
            digest.update(chunk)
    if digest.hexdigest() != expected:
        raise BackupError(f"{path.name} does not match its checksum: the file is damaged or altered")
    return expected


def list_archive(tools: PgTools, path: Path) -> Listing:
    """`pg_restore --list` over the gunzipped archive: proof that pg_restore can read it all."""
    out = _pg_restore(tools, path, ["--list"])
    entries = [line for line in out.splitlines() if line and not line.startswith(";")]
    tables, functions = [], []
    for line in entries:
        fields = line.split()  # "215; 1259 16390 TABLE erp products owner"
        if len(fields) >= 6 and fields[3] == "TABLE" and fields[4] != "DATA":
            tables.append(f"{fields[4]}.{fields[5]}")
        elif len(fields) >= 6 and fields[3] == "FUNCTION":
            functions.append(f"{fields[4]}.{fields[5]}")
    if not tables:
        raise BackupError(f"{path.name} holds no tables")
    return Listing(len(entries), tables, functions)


def load(tools: PgTools, path: Path, dsn: str, args: Sequence[str]) -> None:
    """pg_restore of the archive into the database, in one transaction."""
    _pg_restore(
        tools, path, ["--single-transaction", "--exit-on-error", "--no-owner", *args, f"--dbname={dsn}"]
    )


def _pg_restore(tools: PgTools, path: Path, args: Sequence[str]) -> str:
    """Feeds the gunzipped archive to pg_restore's stdin; the whole gzip stream is read (its CRC checked)
    even when pg_restore stops reading early, as `--list` does once it has the table of contents."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        with subprocess.Popen(
            [str(tools.pg_restore), *args], stdin=subprocess.PIPE, stdout=out, stderr=err
        ) as proc:
            assert proc.stdin is not None
            try:
                _feed(path, proc.stdin)
            finally:
                with contextlib.suppress(BrokenPipeError):
                    proc.stdin.close()
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise BackupError(f"pg_restore failed: {err.read().decode(errors='replace').strip()}")
        return out.read().decode(errors="replace")


def _feed(path: Path, sink: IO[bytes]) -> None:
    try:
        with gzip.open(path, "rb") as archive:
            while chunk := archive.read(CHUNK):
                with contextlib.suppress(BrokenPipeError):  # pg_restore has all it needs; keep checking
                    sink.write(chunk)
    except (OSError, EOFError) as exc:
        raise BackupError(f"{path.name} is not a readable gzip file: {exc}") from exc


class _Hashing:
    """A write-only file that hashes what passes through it (the gzip bytes, as stored)."""

    def __init__(self, raw: IO[bytes], digest: hashlib._Hash) -> None:
        self._raw = raw
        self._digest = digest

    def write(self, data: bytes) -> int:
        self._digest.update(data)
        return self._raw.write(data)

    def flush(self) -> None:
        self._raw.flush()
