"""Embedded PostgreSQL (the pgserver package) for installs with no database URL configured."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Any

from tds.errors import ConfigurationError

log = logging.getLogger(__name__)
EMBEDDED_MISSING = (
    "no database is configured (TDS_DB__URL) and the embedded PostgreSQL is not installed: "
    "set TDS_DB__URL, or install it with pip install 'tds-core[embedded]'"
)


def start_embedded(data_dir: Path, database: str = "tds") -> tuple[str, Any]:
    """Starts (or reuses) an embedded server under data_dir; returns its URL and the server handle.

    The handle must stay referenced while the server is in use; pgserver stops the server when the
    last process using the data directory lets go of it.
    """
    try:
        with warnings.catch_warnings():  # platformdirs warns about XDG_RUNTIME_DIR on servers
            warnings.simplefilter("ignore")
            import pgserver  # imported here: only installs without a database URL need it
    except ImportError as exc:
        raise ConfigurationError(EMBEDDED_MISSING, setting="db.url") from exc

    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(str(data_dir), cleanup_mode="stop")  # type: ignore[attr-defined]
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
    if "1 row" not in exists:
        server.psql(f'CREATE DATABASE "{database}";')
    uri: str = server.get_uri(database)
    log.info("embedded PostgreSQL running, data directory %s", data_dir)
    return uri, server
