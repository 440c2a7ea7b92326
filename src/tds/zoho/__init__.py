"""The Zoho Books API client: OAuth refresh, data centres, rate limits, pagination."""
