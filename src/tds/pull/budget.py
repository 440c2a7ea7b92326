"""When a pull must stop for the day: the next page could leave less than the reserve (pure)."""

from __future__ import annotations

from tds.zoho.ratelimit import BudgetUsage


def budget_note(usage: BudgetUsage, reserve: int, page_cost: int) -> str | None:
    """None while a page costing up to `page_cost` calls still leaves `reserve`; else why not."""
    if usage.left >= reserve + page_cost:
        return None
    return (
        f"paused: {usage.left} of the day's {usage.limit} Zoho API calls left ({usage.day.isoformat()}), "
        f"reserve {reserve}, the next page may cost {page_cost}; resumes when the budget renews"
    )
