"""A faithful local Zoho Books: OAuth, REST v3, rate limits, webhook sender."""
