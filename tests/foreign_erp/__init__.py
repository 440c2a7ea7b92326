"""A foreign ERP for proof tests: its own Alembic, an earlier integration's leftovers, a narrow role."""
