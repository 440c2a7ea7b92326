"""The readiness protocol against a real unix datagram socket: the notifier alone and `tds serve`."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tds.config import service_watchdog_interval_s
from tds.notify import Readiness, ServiceNotifier, keep_watchdog_fed
from tests.e2e.process_load import service_env
from tests.pgcluster import free_port


def _fields(datagram: bytes) -> dict[str, str]:
    return dict(line.split("=", 1) for line in datagram.decode().splitlines())


@pytest.fixture
def manager_socket() -> Iterator[tuple[socket.socket, str]]:
    """A bound AF_UNIX datagram socket standing in for the service manager's NOTIFY_SOCKET."""
    with tempfile.TemporaryDirectory(prefix="tds-notify-") as tmp:
        path = str(Path(tmp) / "notify.sock")
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.bind(path)
            sock.settimeout(60.0)
            yield sock, path


def test_ready_sends_one_datagram_with_ready_status_and_pid(
    manager_socket: tuple[socket.socket, str],
) -> None:
    """READY=1 arrives with the status text and this process's pid as MAINPID."""
    sock, path = manager_socket
    assert ServiceNotifier(path).ready("ready")
    fields = _fields(sock.recv(4096))
    assert fields == {"READY": "1", "STATUS": "ready", "MAINPID": str(os.getpid())}


def test_abstract_socket_address_is_used_when_it_starts_with_at() -> None:
    """An address starting with @ names a Linux abstract socket, as systemd may pass it."""
    name = f"tds-notify-test-{uuid.uuid4().hex}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind("\0" + name)
        sock.settimeout(5.0)
        assert ServiceNotifier("@" + name).stopping("bye")
        assert _fields(sock.recv(4096)) == {"STOPPING": "1", "STATUS": "bye"}


def test_without_a_socket_the_notifier_does_nothing_and_a_dead_socket_is_not_fatal(tmp_path: Path) -> None:
    """No NOTIFY_SOCKET is a no-op; a socket nobody listens on is reported, never raised."""
    assert not ServiceNotifier(None).ready("ready")
    assert not ServiceNotifier(str(tmp_path / "nobody.sock")).ready("ready")


def test_readiness_waits_for_every_part(manager_socket: tuple[socket.socket, str]) -> None:
    """READY=1 is sent once, only after the API and the worker are both up."""
    sock, path = manager_socket
    sock.settimeout(0.2)
    readiness = Readiness(["api", "worker"], ServiceNotifier(path))
    readiness.part_ready("api")
    with pytest.raises(TimeoutError):
        sock.recv(4096)
    readiness.part_ready("worker")
    readiness.part_ready("worker")
    assert _fields(sock.recv(4096))["READY"] == "1"
    with pytest.raises(TimeoutError):
        sock.recv(4096)
    assert readiness.is_ready


@pytest.mark.slow
def test_serve_tells_the_manager_it_is_ready_once_it_answers(
    db_url: str, manager_socket: tuple[socket.socket, str]
) -> None:
    """`tds serve` sends READY=1 only when its port answers, and STOPPING=1 on SIGTERM."""
    sock, path = manager_socket
    port = free_port()
    env = service_env(db_url, port, NOTIFY_SOCKET=path)
    proc = subprocess.Popen([sys.executable, "-m", "tds", "serve"], env=env)
    try:
        ready = _fields(sock.recv(4096))
        assert ready["READY"] == "1"
        assert ready["MAINPID"] == str(proc.pid)
        assert httpx.get(f"http://127.0.0.1:{port}/ready", timeout=10).status_code == 200
        proc.send_signal(signal.SIGTERM)
        assert _fields(sock.recv(4096))["STOPPING"] == "1"
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


def test_api_on_a_port_in_use_exits_1_naming_it_and_never_reports_ready(
    db_url: str, manager_socket: tuple[socket.socket, str]
) -> None:
    """A port already taken is a clear start-up failure (exit 1, the address named), never READY=1."""
    sock, path = manager_socket
    sock.settimeout(0.5)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = service_env(db_url, port, NOTIFY_SOCKET=path)
        result = subprocess.run(
            [sys.executable, "-m", "tds", "api"], env=env, capture_output=True, text=True, timeout=60
        )
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "READY" not in _fields(sock.recv(4096))  # only STOPPING=1 was sent


async def test_watchdog_is_fed_from_the_event_loop_until_stop(
    manager_socket: tuple[socket.socket, str],
) -> None:
    """WATCHDOG=1 arrives every interval while the loop runs; nothing more after stop."""
    sock, path = manager_socket
    sock.settimeout(5.0)
    stop = asyncio.Event()
    feeding = asyncio.create_task(keep_watchdog_fed(ServiceNotifier(path), 0.05, stop))
    await asyncio.sleep(0.3)
    stop.set()
    await feeding
    sock.settimeout(0.2)
    pings = []
    with contextlib.suppress(TimeoutError):
        while True:
            pings.append(_fields(sock.recv(4096)))
    assert len(pings) >= 3
    assert all(ping == {"WATCHDOG": "1"} for ping in pings)


def test_watchdog_interval_is_half_the_managers_timeout_and_only_for_this_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """WATCHDOG_USEC gives the timeout; a WATCHDOG_PID of another process means the watchdog is not ours."""
    monkeypatch.setenv("WATCHDOG_USEC", "60000000")
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    assert service_watchdog_interval_s() == 30.0
    monkeypatch.setenv("WATCHDOG_PID", str(os.getpid()))
    assert service_watchdog_interval_s() == 30.0
    monkeypatch.setenv("WATCHDOG_PID", str(os.getpid() + 1))
    assert service_watchdog_interval_s() is None
    monkeypatch.setenv("WATCHDOG_USEC", "0")
    monkeypatch.delenv("WATCHDOG_PID")
    assert service_watchdog_interval_s() is None


@pytest.mark.slow
def test_worker_feeds_the_watchdog_while_it_runs(
    db_url: str, manager_socket: tuple[socket.socket, str]
) -> None:
    """`tds worker` under a watchdog sends READY=1 and then WATCHDOG=1 at half the timeout."""
    sock, path = manager_socket
    env = service_env(db_url, free_port(), NOTIFY_SOCKET=path, WATCHDOG_USEC="400000")
    proc = subprocess.Popen([sys.executable, "-m", "tds", "worker"], env=env)
    try:
        seen: list[dict[str, str]] = []
        while not any("READY" in fields for fields in seen) or sum("WATCHDOG" in f for f in seen) < 3:
            seen.append(_fields(sock.recv(4096)))
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
