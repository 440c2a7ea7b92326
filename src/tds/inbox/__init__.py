"""Webhook intake: verification, normalisation, dedup and the inbox table."""
