"""Zoho Books entities: the catalog, pure mappings to ERP rows, and version-aware upserts."""
