"""Every raw statement of TDS Core names its tables through its own schema (never `search_path`)."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "tds"
UNQUALIFIED = re.compile(r"\b(FROM|INTO|UPDATE|JOIN|TABLE|USING|ON)\s+tds_[a-z_]+\b")
PLAIN_TEXT_WITH_OURS = re.compile(r"(?<![\w.])text\(\s*f?(\"\"\"|\")[^\"]*?tds\.tds_", re.S)


def _sources() -> list[Path]:
    return [p for p in SRC.rglob("*.py") if "legacy" not in p.parts]


def test_no_statement_names_a_tds_table_without_its_schema() -> None:
    """A bare `FROM tds_sync_queue` would follow search_path, which a DBA or PgBouncer may change."""
    found = [
        f"{p.relative_to(SRC)}: {m.group(0)}" for p in _sources() for m in UNQUALIFIED.finditer(p.read_text())
    ]
    assert found == []


def test_statements_naming_tds_tables_follow_the_configured_schema() -> None:
    """`tds.tds_…` in a plain `text()` would ignore a configured schema name; `tds_text` translates it."""
    found = [str(p.relative_to(SRC)) for p in _sources() if PLAIN_TEXT_WITH_OURS.search(p.read_text())]
    assert found == []
