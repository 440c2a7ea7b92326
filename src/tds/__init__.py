"""TDS Core: keeps a PostgreSQL ERP database in step with Zoho Books."""

from __future__ import annotations

__version__ = "0.1.0"
