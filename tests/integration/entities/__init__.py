"""Entity handlers against a real PostgreSQL."""
