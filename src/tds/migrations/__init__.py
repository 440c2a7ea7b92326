"""Alembic migrations for the tds_* tables and the default ERP schema."""
