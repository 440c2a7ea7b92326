"""Read-only queries for the dashboard, CLI and metrics (return dataclasses)."""
