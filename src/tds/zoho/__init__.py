"""The Zoho Books API client: OAuth refresh, data centres, rate limits, pagination."""

from __future__ import annotations

from tds.zoho.client import Page, ZohoClient
from tds.zoho.ratelimit import BudgetStore, BudgetUsage, InMemoryBudgetStore
from tds.zoho.responses import ZohoStats

__all__ = ["BudgetStore", "BudgetUsage", "InMemoryBudgetStore", "Page", "ZohoClient", "ZohoStats"]
