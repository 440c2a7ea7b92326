"""Alembic environment of the current history (TDS Core's own schema); see runner.py."""

from __future__ import annotations

from tds.migrations.runner import run

run()
