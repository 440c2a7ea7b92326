"""Follow-up tests run TDS Core against the emulator, as the pull tests do."""

from __future__ import annotations

from tests.integration.pull.conftest import make_stack

__all__ = ["make_stack"]
