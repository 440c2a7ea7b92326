"""`python -m tds` runs the command line."""

from __future__ import annotations

from tds.cli import main

main()
