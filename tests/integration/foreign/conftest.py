"""Fixtures for proof tests on a foreign ERP's database (tests/foreign_erp)."""

from __future__ import annotations

from tests.foreign_erp.fixtures import foreign_erp_db, foreign_erp_zoho

__all__ = ["foreign_erp_db", "foreign_erp_zoho"]
