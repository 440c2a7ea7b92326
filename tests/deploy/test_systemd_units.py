"""The systemd units under deploy/: what each must say, and `systemd-analyze verify` over all of them."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from tds.config import WorkerSettings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SERVICES = ["tds-api.service", "tds-worker.service", "tds-serve.service"]
HARDENING = {
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "PrivateDevices": "yes",
    "RestrictSUIDSGID": "yes",
    "CapabilityBoundingSet": "",
}
# systemd-analyze security's scale: 0 is fully locked down, 10 unprotected; under 2 it calls OK.
MAX_EXPOSURE = 2.0
# What the worker needs after its shutdown timeout: release unfinished jobs, close the pool.
STOP_MARGIN_S = 10.0

Unit = dict[str, dict[str, list[str]]]


def parse_unit(path: Path) -> Unit:
    """Sections to keys to every value given (systemd allows a key more than once)."""
    unit: Unit = defaultdict(lambda: defaultdict(list))
    section = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        unit[section][key.strip()].append(value.strip())
    return unit


def _seconds(value: str) -> float:
    match = re.fullmatch(r"(\d+)(s|min)?", value)
    assert match, value
    return float(match[1]) * (60 if match[2] == "min" else 1)


def _env_example() -> dict[str, str]:
    lines = (DEPLOY / "tds.env.example").read_text().splitlines()
    pairs = (line.split("=", 1) for line in lines if line and not line.startswith("#"))
    return {key: value.strip("'") for key, value in pairs}


@pytest.mark.parametrize("name", SERVICES)
def test_long_running_units_restart_notify_and_run_unprivileged(name: str) -> None:
    """Each service runs as tds, restarts always, reads the env file, uses Type=notify and is hardened."""
    service = parse_unit(DEPLOY / "systemd" / name)["Service"]
    assert service["User"] == ["tds"]
    assert service["Group"] == ["tds"]
    assert service["Restart"] == ["always"]
    assert service["WatchdogSec"] == ["60s"]
    assert service["Type"] == ["notify"]
    assert service["NotifyAccess"] == ["main"]
    assert service["EnvironmentFile"] == ["/etc/tds/tds.env"]
    command = name.removeprefix("tds-").removesuffix(".service")
    assert service["ExecStart"] == [f"/opt/tds/venv/bin/tds {command}"]
    for key, value in HARDENING.items():
        assert service[key] == [value], key


@pytest.mark.parametrize("name", ["tds-worker.service", "tds-serve.service"])
def test_stop_timeout_covers_the_worker_shutdown_timeout(name: str) -> None:
    """systemd waits longer than the worker's graceful shutdown (default and the example env file)."""
    stop_s = _seconds(parse_unit(DEPLOY / "systemd" / name)["Service"]["TimeoutStopSec"][0])
    configured_s = float(_env_example()["TDS_WORKER__SHUTDOWN_TIMEOUT_S"])
    assert stop_s >= WorkerSettings().shutdown_timeout_s + STOP_MARGIN_S
    assert stop_s >= configured_s + STOP_MARGIN_S


def test_serve_conflicts_with_the_split_units() -> None:
    """`tds serve` and the api/worker pair never run at once on one host."""
    conflicts = parse_unit(DEPLOY / "systemd" / "tds-serve.service")["Unit"]["Conflicts"]
    assert conflicts == ["tds-api.service tds-worker.service"]


def test_backup_timer_starts_the_backup_service_daily_and_catches_up() -> None:
    """The timer is daily and persistent; the service is a one-shot `tds backup` as tds."""
    timer = parse_unit(DEPLOY / "systemd" / "tds-backup.timer")["Timer"]
    assert timer["Unit"] == ["tds-backup.service"]
    assert timer["Persistent"] == ["true"]
    assert timer["OnCalendar"] == ["*-*-* 02:30:00"]
    service = parse_unit(DEPLOY / "systemd" / "tds-backup.service")["Service"]
    assert service["Type"] == ["oneshot"]
    assert service["User"] == ["tds"]
    assert service["ExecStart"] == ["/opt/tds/venv/bin/tds backup"]
    assert "/var/backups/tds" in service["ReadWritePaths"]
    assert _env_example()["TDS_BACKUP__DIR"] == "/var/backups/tds"
    cron = (DEPLOY / "cron" / "tds-backup").read_text()
    assert "/opt/tds/venv/bin/tds backup 2>&1 | logger -t tds-backup" in cron


def _analyzable_units(tmp_path: Path) -> str:
    """systemd-analyze, with the units copied to `tmp_path` and ExecStart pointed at this checkout's tds."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (install systemd to run this check)")
    tds = Path(sys.executable).with_name("tds")
    for unit in (DEPLOY / "systemd").iterdir():
        text = unit.read_text().replace("/opt/tds/venv/bin/tds", str(tds))
        (tmp_path / unit.name).write_text(text)
    return analyze


def test_systemd_analyze_verify_accepts_every_unit(tmp_path: Path) -> None:
    """`systemd-analyze verify` finds no error or unknown setting in any unit."""
    analyze = _analyzable_units(tmp_path)
    units = sorted(str(p) for p in tmp_path.iterdir())
    result = subprocess.run(
        [analyze, "verify", "--man=no", *units], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "Unknown key" not in result.stderr, result.stderr
    assert "Unknown section" not in result.stderr, result.stderr


def test_only_one_unit_per_host_migrates_and_the_worker_waits_for_it() -> None:
    """api and serve run `tds migrate` first; the worker starts after the API; no process migrates."""
    migrate = "/opt/tds/venv/bin/tds migrate"
    for name in ["tds-api.service", "tds-serve.service"]:
        assert parse_unit(DEPLOY / "systemd" / name)["Service"]["ExecStartPre"] == [migrate]
    worker = parse_unit(DEPLOY / "systemd" / "tds-worker.service")
    assert "ExecStartPre" not in worker["Service"]
    assert "tds-api.service" in worker["Unit"]["After"][0].split()
    assert _env_example()["TDS_DB__MIGRATE_ON_START"] == "false"


@pytest.mark.parametrize("name", [*SERVICES, "tds-backup.service"])
def test_hardening_keeps_the_exposure_score_low(tmp_path: Path, name: str) -> None:
    """`systemd-analyze security --offline` rates every service at most MAX_EXPOSURE (of 10)."""
    analyze = _analyzable_units(tmp_path)
    result = subprocess.run(
        [analyze, "security", "--offline=true", "--no-pager", str(tmp_path / name)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if "Unknown command verb" in result.stderr or "unrecognized option" in result.stderr:
        pytest.skip("this systemd-analyze has no offline security check (systemd < 250)")
    match = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", result.stdout)
    assert match, result.stdout + result.stderr
    assert float(match[1]) <= MAX_EXPOSURE
