"""`tds backup` and `tds restore` as an operator runs them, against a real database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import pytest

from tds.backup.service import prune
from tds.backup.tools import find_tools
from tds.db.engine import plain_dsn
from tds.errors import BackupError


def _tds(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TDS_")}
    env.update({"TDS_DB__URL": db_url, "TDS_BACKUP__RETENTION_DAYS": "7"})
    return subprocess.run(
        [sys.executable, "-m", "tds", *args], env=env, capture_output=True, text=True, timeout=120
    )


async def _execute(db_url: str, sql: str) -> object:
    conn = await asyncpg.connect(plain_dsn(db_url))
    try:
        return await conn.fetchval(sql)
    finally:
        await conn.close()


def _only_backup(directory: Path) -> Path:
    [path] = directory.glob("tds-*.dump.gz")
    return path


@pytest.mark.slow
async def test_backup_then_restore_refuses_data_without_force_and_replaces_it_with(
    db_url: str, tmp_path: Path
) -> None:
    """The backup is verified; restoring over rows needs --force, which brings back the backed-up state."""
    await _execute(db_url, "INSERT INTO tds.tds_configuration (key, value) VALUES ('kept', '1')")
    made = _tds(db_url, "backup", "--dir", str(tmp_path))
    assert made.returncode == 0, made.stderr
    assert "verified with pg_restore --list" in made.stdout
    path = _only_backup(tmp_path)
    assert Path(f"{path}.sha256").read_text().split()[1] == path.name
    await _execute(db_url, "INSERT INTO tds.tds_configuration (key, value) VALUES ('later', '2')")

    refused = _tds(db_url, "restore", str(path))
    assert refused.returncode == 1
    assert "not empty" in refused.stderr
    assert "--force" in refused.stderr

    forced = _tds(db_url, "restore", str(path), "--force")
    assert forced.returncode == 0, forced.stderr
    keys = await _execute(db_url, "SELECT string_agg(key, ',' ORDER BY key) FROM tds.tds_configuration")
    assert keys == "kept"


@pytest.mark.slow
async def test_whole_database_backup_restores_with_force(db_url: str, tmp_path: Path) -> None:
    """--whole dumps everything; restoring it over the live database (with --force) works."""
    assert _tds(db_url, "backup", "--whole", "--dir", str(tmp_path)).returncode == 0
    await _execute(db_url, "INSERT INTO tds.tds_configuration (key, value) VALUES ('after', '1')")
    restored = _tds(db_url, "restore", str(_only_backup(tmp_path)), "--force")
    assert restored.returncode == 0, restored.stderr
    assert "whole database" in restored.stdout
    assert await _execute(db_url, "SELECT count(*) FROM tds.tds_configuration") == 0


@pytest.mark.slow
def test_a_damaged_backup_is_refused_before_anything_is_touched(db_url: str, tmp_path: Path) -> None:
    """One flipped byte fails the checksum; restore exits 1 naming the damage."""
    assert _tds(db_url, "backup", "--dir", str(tmp_path)).returncode == 0
    path = _only_backup(tmp_path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    result = _tds(db_url, "restore", str(path), "--force")
    assert result.returncode == 1
    assert "does not match its checksum" in result.stderr


def test_retention_removes_backups_older_than_the_days_kept(tmp_path: Path) -> None:
    """Backups past retention go with their checksum files; newer ones and other files stay."""
    old, new, other = tmp_path / "tds-old-tables.dump.gz", tmp_path / "tds-new-tables.dump.gz", tmp_path / "x"
    for path in (old, Path(f"{old}.sha256"), new, other):
        path.write_text("x")
    month_ago = time.time() - 30 * 86_400
    os.utime(old, (month_ago, month_ago))
    os.utime(other, (month_ago, month_ago))
    assert prune(tmp_path, 7) == [old]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tds-new-tables.dump.gz", "x"]
    assert prune(tmp_path, 0) == []  # 0 keeps everything


def test_pg_dump_older_than_the_server_is_refused_with_what_to_install() -> None:
    """No pg_dump of the server's major or newer: the error says which client to install or configure."""
    with pytest.raises(BackupError) as raised:
        find_tools(99)
    assert "postgresql-client-99" in raised.value.message
    assert "TDS_BACKUP__PG_BIN_DIR" in raised.value.message
    assert find_tools(15).major >= 15
