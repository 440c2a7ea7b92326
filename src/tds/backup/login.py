"""How pg_dump and pg_restore log in: the URL without its password, the password in a private passfile.

A password on the command line is visible to every user of the host (`ps`, /proc/<pid>/cmdline), and
PostgreSQL advises against PGPASSWORD for the same reason on some systems. The client programs get
`--dbname=<URL without password>&passfile=<file>` instead: a `.pgpass`-format file in a directory only
this process's user can read, removed as soon as the program has finished.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url


@dataclass(frozen=True)
class Login:
    """A libpq URL without any password, and the password it had (None when none)."""

    dsn: str
    password: str | None


def split_login(url: str) -> Login:
    """`url` as a driver-less libpq URL, its password (in the authority or `?password=`) taken out."""
    parsed = make_url(url)
    password = parsed.password
    query_password = parsed.query.get("password")
    if password is None and query_password is not None:
        password = query_password if isinstance(query_password, str) else query_password[0]
    query = {key: value for key, value in parsed.query.items() if key != "password"}
    # URL.set() keeps a password it is given None for; a new URL has none.
    plain = URL.create("postgresql", parsed.username, None, parsed.host, parsed.port, parsed.database, query)
    return Login(plain.render_as_string(hide_password=False), None if password is None else str(password))


def passfile_line(password: str) -> str:
    """A `.pgpass` line matching any host, port, database and user (`\\` and `:` escaped)."""
    escaped = password.replace("\\", "\\\\").replace(":", "\\:")
    return f"*:*:*:*:{escaped}\n"


@contextmanager
def dbname_argument(url: str) -> Iterator[str]:
    """The `--dbname=…` argument for a client program run inside the block; no password in it."""
    login = split_login(url)
    if login.password is None:
        yield f"--dbname={login.dsn}"
        return
    with tempfile.TemporaryDirectory(prefix="tds-pg-") as directory:  # mode 0700
        path = Path(directory) / "pgpass"
        # libpq ignores a passfile that others may read; created 0600 before anything is written.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(passfile_line(login.password))
        dsn = make_url(login.dsn).update_query_dict({"passfile": str(path)})
        yield f"--dbname={dsn.render_as_string(hide_password=False)}"
