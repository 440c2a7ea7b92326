"""Without a database URL and without the embedded PostgreSQL installed, a start says what to do."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tds.config import load_settings
from tds.db.embedded import start_embedded
from tds.errors import ConfigurationError
from tds.runtime import run_process


@pytest.fixture
def no_pgserver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pgserver", None)  # `import pgserver` raises ImportError


@pytest.mark.usefixtures("no_pgserver")
def test_the_embedded_server_names_the_setting_and_the_extra(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as raised:
        start_embedded(tmp_path / "pg")
    assert "TDS_DB__URL" in raised.value.message
    assert "pip install 'tds-core[embedded]'" in raised.value.message
    assert not (tmp_path / "pg").exists()


@pytest.mark.usefixtures("no_pgserver")
async def test_the_service_refuses_to_start_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = load_settings(db={"data_dir": tmp_path / "pg"})
    assert settings.db.url is None
    assert await run_process(settings, api=True, worker=True) == 2
    err = capsys.readouterr().err
    assert err.startswith("cannot start: no database is configured (TDS_DB__URL)")
    assert "Traceback" not in err
