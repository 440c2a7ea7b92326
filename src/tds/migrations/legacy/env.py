"""Alembic environment of the legacy history (everything in `public`); see runner.py."""

from __future__ import annotations

from tds.migrations.runner import run

run(legacy=True)
