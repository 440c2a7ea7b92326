"""The backup file: pg_dump's custom format gzipped, its manifest in the gzip header, a SHA-256 sidecar.

Written, checked, listed and loaded here; what the manifest and the table of contents say is
contents.py's.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import struct
import subprocess
import tempfile
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from tds.backup.contents import Manifest, TocEntry, parse_toc, toc_tables
from tds.backup.login import dbname_argument
from tds.backup.tools import PgTools
from tds.errors import BackupError

CHUNK = 1 << 20
SUFFIX = ".dump.gz"
GZIP_MAGIC = b"\x1f\x8b"
FEXTRA, FNAME, FCOMMENT = 0x04, 0x08, 0x10
MAX_COMMENT = 1 << 20


@dataclass(frozen=True)
class Listing:
    """What `pg_restore --list` found in an archive: its entries, and the tables (schema.name) among them."""

    toc: tuple[TocEntry, ...]

    @property
    def entries(self) -> int:
        return len(self.toc)

    @property
    def tables(self) -> list[str]:
        return toc_tables(self.toc)


def checksum_path(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def dump(tools: PgTools, url: str, args: Sequence[str], target: Path, manifest: Manifest) -> str:
    """Runs pg_dump (custom format, its own compression off) into a gzip file whose header carries
    `manifest`; returns the file's SHA-256."""
    partial = target.with_name(target.name + ".partial")
    digest = hashlib.sha256()
    with dbname_argument(url) as dbname:
        command = [str(tools.pg_dump), "--format=custom", "--compress=0", "--no-owner", *args, dbname]
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
            assert proc.stdout is not None
            with partial.open("wb") as raw:
                out = _CommentedGzip(_Hashing(raw, digest), manifest.encode())
                while chunk := proc.stdout.read(CHUNK):
                    out.write(chunk)
                out.close()
            error = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {error.strip()}", returncode=proc.returncode)
    partial.rename(target)
    checksum_path(target).write_text(f"{digest.hexdigest()}  {target.name}\n")
    return digest.hexdigest()


def read_manifest(path: Path) -> Manifest | None:
    """The manifest in the archive's gzip header, or None (an archive not written by `tds backup`)."""
    with path.open("rb") as raw:
        head = raw.read(10)
        if len(head) < 10 or head[:2] != GZIP_MAGIC:
            raise BackupError(f"{path.name} is not a gzip file")
        flags = head[3]
        if flags & FEXTRA:
            (length,) = struct.unpack("<H", raw.read(2))
            raw.read(length)
        if flags & FNAME:
            _read_zero_terminated(raw)
        return Manifest.decode(_read_zero_terminated(raw)) if flags & FCOMMENT else None


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
    listing = Listing(tuple(parse_toc(_pg_restore(tools, path, ["--list"]))))
    if not listing.tables:
        raise BackupError(f"{path.name} holds no tables")
    return listing


def load(tools: PgTools, path: Path, url: str, args: Sequence[str], selection: Sequence[TocEntry]) -> None:
    """pg_restore of the `selection` of the archive's entries into the database, in one transaction."""
    with tempfile.NamedTemporaryFile("w", suffix=".list") as chosen, dbname_argument(url) as dbname:
        chosen.write("".join(entry.line + "\n" for entry in selection))
        chosen.flush()
        restore = ["--single-transaction", "--exit-on-error", "--no-owner", f"--use-list={chosen.name}"]
        _pg_restore(tools, path, [*restore, *args, dbname])


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


def _read_zero_terminated(raw: IO[bytes]) -> bytes:
    found = bytearray()
    while len(found) < MAX_COMMENT and (byte := raw.read(1)) not in (b"", b"\x00"):
        found += byte
    return bytes(found)


class _Hashing:
    """A write-only file that hashes what passes through it (the gzip bytes, as stored)."""

    def __init__(self, raw: IO[bytes], digest: hashlib._Hash) -> None:
        self._raw = raw
        self._digest = digest

    def write(self, data: bytes) -> int:
        self._digest.update(data)
        return self._raw.write(data)


class _CommentedGzip:
    """One gzip member whose header carries a comment (RFC 1952 FCOMMENT), which Python's gzip module
    cannot write; gzip, gunzip and Python read such a file as any other."""

    def __init__(self, raw: _Hashing, comment: bytes, level: int = 6) -> None:
        self._raw = raw
        header = GZIP_MAGIC + bytes([8, FCOMMENT]) + struct.pack("<I", int(time.time())) + b"\x00\xff"
        raw.write(header + comment + b"\x00")
        self._deflate = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)
        self._crc = 0
        self._size = 0

    def write(self, data: bytes) -> None:
        self._crc = zlib.crc32(data, self._crc)
        self._size += len(data)
        self._raw.write(self._deflate.compress(data))

    def close(self) -> None:
        self._raw.write(self._deflate.flush() + struct.pack("<II", self._crc, self._size & 0xFFFFFFFF))
