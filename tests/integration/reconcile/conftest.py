"""Reconciliation fixtures: the pull tests' emulator stack (served over HTTP, with a worker pool)."""

from __future__ import annotations

from tests.integration.pull.conftest import make_stack

__all__ = ["make_stack"]
