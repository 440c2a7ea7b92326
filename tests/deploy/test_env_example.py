"""deploy/tds.env.example, read the way the units and the cron line read it, is a valid configuration."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tds.config import Settings, load_settings

EXAMPLE = Path(__file__).resolve().parents[2] / "deploy" / "tds.env.example"


def _sourced(path: Path) -> dict[str, str]:
    """The TDS_* variables after `set -a; . FILE` in sh, as the cron line loads them."""
    script = 'set -a; . "$1"; env -0'
    out = subprocess.run(
        ["sh", "-c", script, "sh", str(path)], capture_output=True, env={}, timeout=30, check=True
    )
    pairs = (item.split("=", 1) for item in out.stdout.decode().split("\0") if "=" in item)
    return {key: value for key, value in pairs if key.startswith("TDS_")}


def _load(monkeypatch: pytest.MonkeyPatch, variables: dict[str, str]) -> Settings:
    for key, value in variables.items():
        monkeypatch.setenv(key, value)
    return load_settings()


def test_example_refuses_to_start_until_its_placeholder_secrets_are_replaced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As shipped, production refuses the `changeme` secrets, so nobody runs with them by accident."""
    with pytest.raises(ValueError, match="placeholder secret"):
        _load(monkeypatch, _sourced(EXAMPLE))


def test_example_with_real_secrets_gives_the_settings_the_units_rely_on(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Filled in, it parses: loopback API, nginx trusted, 30 s shutdown, backups in /var/backups/tds."""
    filled = tmp_path / "tds.env"
    filled.write_text(EXAMPLE.read_text().replace("changeme", "s3cr3t-0123456789abcdef"))
    settings = _load(monkeypatch, _sourced(filled))
    assert settings.environment == "production"
    assert settings.db.url is not None
    assert settings.db.url.get_secret_value().endswith("@127.0.0.1:5432/tds")
    assert settings.api.host == "127.0.0.1"
    assert settings.api.trusted_proxies == ["127.0.0.1"]
    assert settings.worker.shutdown_timeout_s == 30.0
    assert settings.db.migrate_on_start is False
    assert str(settings.backup.dir) == "/var/backups/tds"
    assert settings.webhooks.max_body_bytes == 1024 * 1024
