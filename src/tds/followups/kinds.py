"""What a follow-up is: its kind, its priority among every Zoho call TDS Core makes, its state (pure).

A follow-up is a Zoho call the worker makes on its own account, after an event, for one record
(`entity`, `zoho_id`). The kinds share one scale of priorities with the pull's list pages, lower
first: a delete confirmation (to come), then a stock refresh, then pull pages, then image downloads
(to come). The pull pauses before a page while follow-ups of a higher priority wait for budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum


class FollowupKind(StrEnum):
    """The kinds of follow-up; a new kind adds a member, a priority and a FollowupWork."""

    STOCK_REFRESH = "stock_refresh"  # one item's detail, for its stock per warehouse


class Priority(IntEnum):
    """Who spends Zoho's calls first when they are short (lower first); gaps leave room for more."""

    DELETE_CONFIRMATION = 10
    STOCK_REFRESH = 20
    PULL_PAGE = 30
    IMAGE = 40


PRIORITY_OF: dict[FollowupKind, Priority] = {FollowupKind.STOCK_REFRESH: Priority.STOCK_REFRESH}


class FollowupStatus(StrEnum):
    """pending -> running -> done | failed; a failed call goes back to pending until it is given up."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class FollowupRequest:
    """Asks for one call for one record, `delay_s` from now (requests for one record coalesce)."""

    kind: FollowupKind
    entity: str
    zoho_id: str
    delay_s: float = 0.0

    @property
    def priority(self) -> int:
        return int(PRIORITY_OF[self.kind])

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind.value, self.entity, self.zoho_id)


@dataclass(frozen=True)
class Followup:
    """A claimed follow-up, as its work sees it."""

    id: int
    kind: FollowupKind
    entity: str
    zoho_id: str
    priority: int
    attempts: int  # failed attempts so far


def coalesce(requests: list[FollowupRequest]) -> list[FollowupRequest]:
    """One request per record (the earliest), in key order: the order every writer locks rows in."""
    first: dict[tuple[str, str, str], FollowupRequest] = {}
    for request in requests:
        held = first.get(request.key)
        if held is None or request.delay_s < held.delay_s:
            first[request.key] = request
    return [first[key] for key in sorted(first)]
