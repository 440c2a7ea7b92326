"""A throwaway PostgreSQL cluster of a test's own (initdb'd in a temporary directory, on a free port).

Tests that stop, restart or crash PostgreSQL use this, never the machine's server. The binaries are
the ones the embedded `pgserver` package ships (always installed); as root, the server runs as the
unprivileged user pgserver itself uses.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Literal

ShutdownMode = Literal["smart", "fast", "immediate"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bin_dir() -> Path:
    from pgserver._commands import POSTGRES_BIN_PATH

    return Path(POSTGRES_BIN_PATH)


class Cluster:
    """One PostgreSQL server: start, stop(mode), restart(mode), url(database); cleanup removes it."""

    def __init__(self) -> None:
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="tds-pgcluster-"))
        self.data = self.root / "data"
        self._run_as: dict[str, Any] = {}
        if os.geteuid() == 0:
            self._prepare_for_root()
        self._pg("initdb", "-D", str(self.data), "--auth=trust", "-U", "postgres", "--encoding=utf8")

    def _prepare_for_root(self) -> None:
        """PostgreSQL refuses to run as root: hand the directory to pgserver's unprivileged user."""
        import pwd

        from pgserver.utils import ensure_prefix_permissions, ensure_user_exists

        entry = ensure_user_exists("pgserver")
        assert entry is not None
        ensure_prefix_permissions(self.root)
        os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self._run_as = {"user": pwd.getpwnam("pgserver").pw_uid}

    def _pg(self, program: str, *args: str) -> None:
        subprocess.run(
            [str(bin_dir() / program), *args], check=True, capture_output=True, timeout=60, **self._run_as
        )

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -k {self.root} -c fsync=on"
        log = str(self.root / "server.log")
        self._pg("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "-t", "30", "start")

    def psql_create(self, database: str) -> None:
        """Creates a database on the running server."""
        self._pg("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", database)

    def stop(self, mode: ShutdownMode = "fast") -> None:
        self._pg("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop")

    def restart(self, mode: ShutdownMode = "fast") -> None:
        self.stop(mode)
        self.start()

    def cleanup(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)
