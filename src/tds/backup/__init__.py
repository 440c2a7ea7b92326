"""Backups of the TDS and ERP tables with pg_dump, their checks, retention, and restores."""
