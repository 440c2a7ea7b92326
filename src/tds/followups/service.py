"""The follow-up loop: claims due follow-ups, highest priority first, and makes their Zoho calls.

One budget: the loop calls Zoho through the process's one client, so it spends from the same daily
budget (counted in PostgreSQL for every process) and the same per-minute pacer as the pull. Before
each claim it reads what is left of the day and claims no more follow-ups than the calls left above
`budget_floor`; with none left it claims nothing and the follow-ups wait, pending. A call refused
for the rate or the budget (ZohoRateLimited) puts its follow-up, and the rest of its batch, back to
wait without spending an attempt: follow-ups pause for the budget, they are never dropped.

Any other failure puts the follow-up back `retry_delays_s` later (an attempt spent, its error kept);
the `max_attempts`-th failure gives it up (`failed`, with its error). Its work's writes and its
`done` commit together. A loop service: tests call `run_once()`, processes `run(stop)`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tds.db.engine import transaction
from tds.errors import ZohoRateLimited
from tds.followups.kinds import Followup, FollowupKind, FollowupStatus
from tds.followups.repository import FollowupRepository
from tds.worker.retry import retry_delay_s
from tds.zoho.ratelimit import BudgetUsage

log = logging.getLogger(__name__)

# The longest a follow-up waits after a rate-limit refusal before it is claimable again; the budget
# check before each claim keeps it waiting for as long as the day's budget is spent.
MAX_PAUSE_S = 300.0

StoreStep = Callable[[AsyncSession], Awaitable[None]]


class BudgetReader(Protocol):
    """What the loop reads of the Zoho client: the day's budget (the real client, or a fake)."""

    async def budget_usage(self) -> BudgetUsage: ...


class FollowupWork(Protocol):
    """What one kind of follow-up does: its Zoho call, returning the writes (or None) that commit
    with its `done`. `again_after_s`: when a record asked for again during the call is served."""

    again_after_s: float

    async def __call__(self, followup: Followup) -> StoreStep | None: ...


@dataclass(frozen=True)
class RunnerOptions:
    batch: int = 10
    lease_s: float = 300.0
    poll_interval_s: float = 5.0
    budget_floor: int = 20
    max_attempts: int = 5
    retry_delays_s: Sequence[float] = (30.0, 120.0, 600.0, 1800.0)
    retry_jitter: float = 0.1


@dataclass
class Round:
    """What one `run_once` did."""

    claimed: int = 0
    done: int = 0
    retried: int = 0
    failed: int = 0
    paused: int = 0  # put back for the rate or the budget, no attempt spent
    budget_left: int | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def budget_short(self) -> bool:
        return self.budget_left is not None and self.claimed == 0 and self.budget_left <= 0


class FollowupRunner:
    """Runs follow-ups of the kinds it has work for; other kinds wait for a process that has."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        client: BudgetReader,
        works: Mapping[FollowupKind, FollowupWork],
        options: RunnerOptions | None = None,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.sessions = sessions
        self.client = client
        self.works = dict(works)
        self.options = options or RunnerOptions()
        self._rand = rand

    async def run_once(self) -> Round:
        """Claims what the budget allows of the due follow-ups and runs them, in priority order."""
        result = Round()
        usage = await self.client.budget_usage()
        result.budget_left = usage.left - self.options.budget_floor
        if result.budget_left <= 0 or not self.works:
            return result
        limit = min(self.options.batch, result.budget_left)
        async with transaction(self.sessions) as session:
            claimed = await FollowupRepository(session).claim(list(self.works), limit, self.options.lease_s)
        result.claimed = len(claimed)
        for position, followup in enumerate(claimed):
            if not await self._run(followup, result):
                await self._put_back(claimed[position + 1 :], self.options.poll_interval_s, result)
                break
        return result

    async def run(self, stop: asyncio.Event) -> None:
        """Runs rounds until `stop`; waits `poll_interval_s` when a round found nothing to do."""
        log.info("follow-up loop started (%s)", ", ".join(k.value for k in self.works))
        while not stop.is_set():
            busy = False
            try:
                result = await self.run_once()
                busy = result.claimed > 0 and result.paused == 0
            except Exception:  # the loop's boundary: a failed round (database away) is tried again
                log.exception("follow-up round failed")
            if not busy:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.options.poll_interval_s)

    async def _run(self, followup: Followup, result: Round) -> bool:
        """Runs one follow-up; False when it was refused for the rate or budget (the round stops)."""
        work = self.works[followup.kind]
        try:
            store = await work(followup)
        except ZohoRateLimited as exc:
            delay_s = min(exc.retry_after_s or self.options.poll_interval_s, MAX_PAUSE_S)
            log.info("follow-up %s %s %s waits %.0f s: %s", *_what(followup), delay_s, exc.message)
            await self._put_back([followup], delay_s, result)
            return False
        except Exception as exc:  # the follow-up's boundary: its failure is kept on its row
            await self._failed(followup, exc, result)
            return True
        try:
            async with transaction(self.sessions) as session:
                if store is not None:
                    await store(session)
                await FollowupRepository(session).finish(
                    followup.id, FollowupStatus.DONE, again_s=work.again_after_s
                )
        except Exception as exc:  # the follow-up's boundary, for its writes
            await self._failed(followup, exc, result)
            return True
        result.done += 1
        return True

    async def _failed(self, followup: Followup, exc: Exception, result: Round) -> None:
        error = f"{type(exc).__name__}: {exc}"
        result.errors.append(error)
        attempt = followup.attempts + 1
        async with transaction(self.sessions) as session:
            repository = FollowupRepository(session)
            if attempt >= self.options.max_attempts:
                log.warning(
                    "follow-up %s %s %s given up after %d attempts: %s", *_what(followup), attempt, error
                )
                work = self.works[followup.kind]
                await repository.finish(
                    followup.id, FollowupStatus.FAILED, error=error, again_s=work.again_after_s
                )
                result.failed += 1
                return
            delay_s = retry_delay_s(
                attempt, self.options.retry_delays_s, self.options.retry_jitter, self._rand
            )
            log.info("follow-up %s %s %s failed (%s); retry in %.0f s", *_what(followup), error, delay_s)
            await repository.put_back([followup.id], delay_s, error=error, failed=True)
            result.retried += 1

    async def _put_back(self, followups: Sequence[Followup], delay_s: float, result: Round) -> None:
        if not followups:
            return
        async with transaction(self.sessions) as session:
            await FollowupRepository(session).put_back([f.id for f in followups], delay_s)
        result.paused += len(followups)


def _what(followup: Followup) -> tuple[str, str, str]:
    return followup.kind.value, followup.entity, followup.zoho_id
