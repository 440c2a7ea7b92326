"""The Dockerfile and compose.yaml: their contract from the files; the image build where an engine runs."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tds.config import WorkerSettings

ROOT = Path(__file__).resolve().parents[2]
STOP_MARGIN_S = 10.0


def _stages() -> list[list[str]]:
    """The Dockerfile's stages, each a list of its instruction lines (continuations joined)."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text())
    stages: list[list[str]] = []
    for line in text.splitlines():
        if line.startswith("FROM "):
            stages.append([])
        if stages and line and not line.startswith("#"):
            stages[-1].append(line)
    return stages


def test_image_is_multi_stage_slim_and_runs_as_an_unprivileged_user() -> None:
    """A build stage and a slim runtime stage that copies only the venv and switches to the tds user."""
    stages = _stages()
    assert len(stages) >= 2
    runtime = stages[-1]
    assert "slim" in runtime[0]
    assert any(line.startswith("COPY --from=build /opt/tds/venv") for line in runtime)
    users = [line.split()[1] for line in runtime if line.startswith("USER ")]
    assert users == ["tds"]
    assert not any(line.startswith(("COPY src", "COPY . ")) for line in runtime)
    assert any("postgresql-client" in line for line in runtime)  # tds backup needs pg_dump


def test_compose_migrates_once_then_runs_api_and_worker_against_its_postgres() -> None:
    """db is healthy, migrate completes, then api and worker start; the worker's grace covers its shutdown."""
    yaml = pytest.importorskip("yaml", reason="PyYAML is not installed")
    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    assert services["migrate"]["command"] == ["tds", "migrate"]
    for name in ["api", "worker"]:
        service = services[name]
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
        assert service["environment"]["TDS_DB__MIGRATE_ON_START"] == "false"
        assert service["environment"]["TDS_DB__URL"].endswith("@db:5432/tds")
    grace_s = float(services["worker"]["stop_grace_period"].removesuffix("s"))
    assert grace_s >= WorkerSettings().shutdown_timeout_s + STOP_MARGIN_S
    assert services["api"]["ports"] == ["127.0.0.1:8000:8000"]


def _engine_answers() -> str | None:
    """None when a container engine answers, else why not."""
    docker = shutil.which("docker")
    if docker is None:
        return "no docker client installed"
    probe = subprocess.run([docker, "info"], capture_output=True, text=True, timeout=30)
    if probe.returncode != 0:
        return f"no container engine answers ({probe.stderr.strip().splitlines()[-1:]})"
    return None


@pytest.mark.slow
def test_image_builds_and_runs_tds_as_a_non_root_user() -> None:
    """`docker build` succeeds and the image's tds runs as uid 10001."""
    reason = _engine_answers()
    if reason:
        pytest.skip(reason)
    build = subprocess.run(
        ["docker", "build", "-t", "tds-core:test", str(ROOT)], capture_output=True, text=True, timeout=900
    )
    assert build.returncode == 0, build.stderr[-4000:]
    run = subprocess.run(
        ["docker", "run", "--rm", "tds-core:test", "sh", "-c", "id -u && tds --help"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == "10001"
