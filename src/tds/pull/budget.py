"""When a pull must stop for the day: the next page could leave less than the reserve, after the calls
of the follow-ups that come before pull pages (pure)."""

from __future__ import annotations

from tds.zoho.ratelimit import BudgetUsage


def budget_note(usage: BudgetUsage, reserve: int, page_cost: int, ahead: int = 0) -> str | None:
    """None while a page costing up to `page_cost` calls still leaves `reserve`, plus one call for each
    of the `ahead` follow-ups waiting with a higher priority than pull pages; else why not."""
    if usage.left >= reserve + ahead + page_cost:
        return None
    waiting = f", {ahead} follow-up calls ahead of it" if ahead else ""
    resumes = "once those are made or the budget renews" if ahead else "when the budget renews"
    return (
        f"paused: {usage.left} of the day's {usage.limit} Zoho API calls left ({usage.day.isoformat()}), "
        f"reserve {reserve}{waiting}, the next page may cost {page_cost}; resumes {resumes}"
    )
