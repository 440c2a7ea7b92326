"""`tds backup` and `tds restore` as an operator runs them, against a real database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import pytest

from tds.backup import archive
from tds.backup.contents import Manifest
from tds.backup.service import prune
from tds.backup.tools import find_tools
from tds.db.engine import plain_dsn
from tds.errors import BackupError
from tests.dbutil import DatabaseServer

SHOP_PROFILE = Path(__file__).resolve().parents[3] / "examples" / "erp-profiles" / "shop.yaml"


def _tds(
    db_url: str, *args: str, input_text: str | None = None, **env_extra: str
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TDS_")}
    env.update({"TDS_DB__URL": db_url, "TDS_BACKUP__RETENTION_DAYS": "7", **env_extra})
    return subprocess.run(
        [sys.executable, "-m", "tds", *args],
        env=env,
        input=input_text,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def _execute(db_url: str, sql: str) -> object:
    conn = await asyncpg.connect(plain_dsn(db_url))
    try:
        return await conn.fetchval(sql)
    finally:
        await conn.close()


async def _keys(db_url: str) -> object:
    return await _execute(db_url, "SELECT string_agg(key, ',' ORDER BY key) FROM tds.tds_configuration")


async def _warehouses(db_url: str) -> object:
    return await _execute(db_url, "SELECT string_agg(zoho_id, ',' ORDER BY zoho_id) FROM erp.warehouses")


def _only_backup(directory: Path) -> Path:
    [path] = directory.glob("tds-*.dump.gz")
    return path


def _backup(db_url: str, directory: Path, *args: str) -> Path:
    made = _tds(db_url, "backup", "--dir", str(directory), *args)
    assert made.returncode == 0, made.stderr
    assert "verified with pg_restore --list" in made.stdout
    return _only_backup(directory)


async def _seed(db_url: str, key: str, warehouse: str) -> None:
    await _execute(db_url, f"INSERT INTO tds.tds_configuration (key, value) VALUES ('{key}', '1')")
    await _execute(db_url, f"INSERT INTO erp.warehouses (zoho_id, content_hash) VALUES ('{warehouse}', 'h')")


@pytest.mark.slow
async def test_backup_then_restore_refuses_data_without_force_and_replaces_it_with(
    db_url: str, tmp_path: Path
) -> None:
    """The backup holds TDS Core's schema only; restoring over rows needs --force, which brings back the
    backed-up state of that schema and leaves the ERP's tables alone."""
    await _seed(db_url, "kept", "w1")
    path = _backup(db_url, tmp_path)
    assert Path(f"{path}.sha256").read_text().split()[1] == path.name
    assert archive.read_manifest(path) == Manifest("tds")  # checked against pg_restore --list by backup
    await _seed(db_url, "later", "w2")

    refused = _tds(db_url, "restore", str(path))
    assert refused.returncode == 1
    assert "not empty" in refused.stderr
    assert "--force" in refused.stderr

    forced = _tds(db_url, "restore", str(path), "--force")
    assert forced.returncode == 0, forced.stderr
    assert await _keys(db_url) == "kept"
    assert await _warehouses(db_url) == "w1,w2"  # the ERP's rows are not TDS Core's to restore


@pytest.mark.slow
async def test_erp_tables_are_restored_only_when_asked(db_url: str, tmp_path: Path) -> None:
    """--with-erp adds the profile's tables; restoring them needs --force, --tds-only leaves them out,
    --erp-only restores them alone; another profile or schema refuses the archive."""
    await _seed(db_url, "kept", "w1")
    path = _backup(db_url, tmp_path, "--with-erp")
    manifest = archive.read_manifest(path)
    assert manifest is not None
    assert "erp.warehouses" in manifest.erp_tables
    assert "erp.invoice_lines" in manifest.erp_tables  # a child table
    await _seed(db_url, "later", "w2")

    refused = _tds(db_url, "restore", str(path), "--force", TDS_ERP__PROFILE=str(SHOP_PROFILE))
    assert refused.returncode == 1
    assert "tables the ERP profile does not write (erp.bill_lines" in refused.stderr
    refused = _tds(db_url, "restore", str(path), "--force", TDS_DB__SCHEMA_NAME="tds_other")
    assert refused.returncode == 1
    assert "holds TDS Core's schema tds, but this installation's is tds_other" in refused.stderr
    refused = _tds(db_url, "restore", str(path))
    assert refused.returncode == 1
    assert "ERP tables (erp.bill_lines" in refused.stderr
    assert "They belong to the ERP, not to TDS Core" in refused.stderr
    assert (await _keys(db_url), await _warehouses(db_url)) == ("kept,later", "w1,w2")

    tds_only = _tds(db_url, "restore", str(path), "--tds-only", "--force")
    assert tds_only.returncode == 0, tds_only.stderr
    assert (await _keys(db_url), await _warehouses(db_url)) == ("kept", "w1,w2")
    await _execute(db_url, "INSERT INTO tds.tds_configuration (key, value) VALUES ('later', '2')")
    erp_only = _tds(db_url, "restore", str(path), "--erp-only", "--force")
    assert erp_only.returncode == 0, erp_only.stderr
    assert "restored 18 ERP tables" in erp_only.stdout
    assert (await _keys(db_url), await _warehouses(db_url)) == ("kept,later", "w1")


@pytest.mark.slow
async def test_restore_into_an_empty_database_rebuilds_the_schema_from_the_archive(
    db_url: str, db_server: DatabaseServer, tmp_path: Path
) -> None:
    """Into a database without TDS Core: schema, queue trigger and both parts come back, models agree;
    a table the archive lacks (of a newer release) is dropped and made again by the migrations."""
    await _seed(db_url, "kept", "w1")
    path = _backup(db_url, tmp_path, "--with-erp")
    name = await db_server.create()
    try:
        await _restore_into_empty(db_server.url_for(name), path)
    finally:
        await db_server.drop(name)


async def _restore_into_empty(empty: str, path: Path) -> None:
    restored = _tds(empty, "restore", str(path), "--force")
    assert restored.returncode == 0, restored.stderr
    assert (await _keys(empty), await _warehouses(empty)) == ("kept", "w1")
    triggers = "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'tds_sync_queue_notify_%'"
    assert await _execute(empty, triggers) == 2
    assert _tds(empty, "migrate", "--check").returncode == 0

    await _execute(empty, "CREATE TABLE tds.tds_from_a_newer_release (id int)")
    again = _tds(empty, "restore", str(path), "--tds-only", "--force")
    assert again.returncode == 0, again.stderr
    assert await _execute(empty, "SELECT to_regclass('tds.tds_from_a_newer_release')") is None


@pytest.mark.slow
def test_a_damaged_backup_is_refused_before_anything_is_touched(db_url: str, tmp_path: Path) -> None:
    """One flipped byte fails the checksum; restore exits 1 naming the damage."""
    path = _backup(db_url, tmp_path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    result = _tds(db_url, "restore", str(path), "--force")
    assert result.returncode == 1
    assert "does not match its checksum" in result.stderr


def test_retention_removes_backups_older_than_the_days_kept(tmp_path: Path) -> None:
    """Backups past retention go with their checksum files; newer ones and other files stay."""
    old, new, other = tmp_path / "tds-old-schema.dump.gz", tmp_path / "tds-new-schema.dump.gz", tmp_path / "x"
    for path in (old, Path(f"{old}.sha256"), new, other):
        path.write_text("x")
    month_ago = time.time() - 30 * 86_400
    os.utime(old, (month_ago, month_ago))
    os.utime(other, (month_ago, month_ago))
    assert prune(tmp_path, 7) == [old]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tds-new-schema.dump.gz", "x"]
    assert prune(tmp_path, 0) == []  # 0 keeps everything


def test_pg_dump_older_than_the_server_is_refused_with_what_to_install() -> None:
    """No pg_dump of the server's major or newer: the error says which client to install or configure."""
    with pytest.raises(BackupError) as raised:
        find_tools(99)
    assert "postgresql-client-99" in raised.value.message
    assert "TDS_BACKUP__PG_BIN_DIR" in raised.value.message
    assert find_tools(15).major >= 15
