"""Database plumbing: engine and sessions, declarative Base, embedded PostgreSQL."""
