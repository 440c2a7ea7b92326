"""The follow-up queue in PostgreSQL: coalescing per record, claims by priority, retries, pauses, counts."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tds.api.metrics import ClusterCollector
from tds.config import load_settings
from tds.db.engine import transaction
from tds.errors import ZohoError, ZohoRateLimited
from tds.followups.kinds import Followup, FollowupKind, FollowupRequest, FollowupStatus, Priority
from tds.followups.repository import FollowupRepository, PostgresFollowupDemand
from tds.followups.service import FollowupRunner, RunnerOptions, StoreStep
from tds.insights.metrics import ClusterMetricsReader
from tds.retention.repository import RetentionRepository
from tds.zoho.ratelimit import BudgetUsage

STOCK = FollowupKind.STOCK_REFRESH
LEASE_S = 60.0


def stock(zoho_id: str, delay_s: float = 0.0) -> FollowupRequest:
    return FollowupRequest(STOCK, "item", zoho_id, delay_s)


async def request(sessions: async_sessionmaker[AsyncSession], *requests: FollowupRequest) -> None:
    async with transaction(sessions) as session:
        await FollowupRepository(session).request(list(requests))


async def claim(sessions: async_sessionmaker[AsyncSession], limit: int = 10) -> list[Followup]:
    async with transaction(sessions) as session:
        return await FollowupRepository(session).claim([STOCK], limit, LEASE_S)


async def rows(sessions: async_sessionmaker[AsyncSession], where: str = "true") -> list[dict[str, Any]]:
    async with transaction(sessions) as session:
        result = await session.execute(text(f"SELECT * FROM tds.tds_followups WHERE {where} ORDER BY id"))
        return [dict(r) for r in result.mappings()]


async def execute(sessions: async_sessionmaker[AsyncSession], sql: str) -> None:
    async with transaction(sessions) as session:
        await session.execute(text(sql))


class Budget:
    """A fake of the client's budget reading: `left` calls."""

    def __init__(self, left: int) -> None:
        self.left = left

    async def budget_usage(self) -> BudgetUsage:
        return BudgetUsage(day=datetime.now(UTC).date(), used=1_000 - self.left, limit=1_000)


class Work:
    """A fake FollowupWork: records the records it was run for, or raises `error`."""

    again_after_s = 30.0

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.ran: list[str] = []

    async def __call__(self, followup: Followup) -> StoreStep | None:
        self.ran.append(followup.zoho_id)
        if self.error is not None:
            raise self.error
        return None


def runner(
    sessions: async_sessionmaker[AsyncSession], work: Work, budget: Budget | None = None, **options: Any
) -> FollowupRunner:
    opts = RunnerOptions(**{"budget_floor": 0, "retry_delays_s": (0.0,), "retry_jitter": 0.0, **options})
    return FollowupRunner(sessions, budget or Budget(100), {STOCK: work}, opts)


class TestRequests:
    async def test_requests_for_one_record_coalesce_into_one_waiting_row(self, sessions) -> None:
        """Five requests for item 1 (in three transactions) and one for item 2 leave two pending rows."""
        await request(sessions, stock("1", 60), stock("1", 60))
        await request(sessions, stock("2", 60), stock("1", 60))
        await request(sessions, stock("1", 60))
        found = await rows(sessions)
        assert [(r["zoho_id"], r["status"], r["priority"]) for r in found] == [
            ("1", "pending", Priority.STOCK_REFRESH),
            ("2", "pending", Priority.STOCK_REFRESH),
        ]
        assert all(r["run_after"] > r["created_at"] + timedelta(seconds=59) for r in found)

    async def test_a_request_while_the_call_runs_is_served_again_after_it(self, sessions) -> None:
        """The running call may have read Zoho before the change: when it finishes, a new row waits."""
        await request(sessions, stock("1"))
        (running,) = await claim(sessions)
        await request(sessions, stock("1"))
        assert [r["requested_again"] for r in await rows(sessions)] == [True]
        async with transaction(sessions) as session:
            await FollowupRepository(session).finish(running.id, FollowupStatus.DONE, again_s=30.0)
        done, again = await rows(sessions)
        assert (done["status"], again["status"]) == ("done", "pending")
        assert again["run_after"] > done["finished_at"] + timedelta(seconds=29)


class TestClaims:
    async def test_claims_go_by_priority_then_by_due_time(self, sessions) -> None:
        """A higher priority (lower number) goes first, then the longest due, whatever the insert order."""
        await request(sessions, stock("low"), stock("old"), stock("new"))
        await execute(sessions, "UPDATE tds.tds_followups SET priority = 40 WHERE zoho_id = 'low'")
        await execute(
            sessions,
            "UPDATE tds.tds_followups SET run_after = now() - interval '1 hour'"
            " WHERE zoho_id IN ('low', 'old')",
        )
        await request(sessions, stock("urgent"))
        await execute(sessions, "UPDATE tds.tds_followups SET priority = 10 WHERE zoho_id = 'urgent'")
        order = [f.zoho_id for f in await claim(sessions, limit=1)]
        order += [f.zoho_id for f in await claim(sessions, limit=2)]
        order += [f.zoho_id for f in await claim(sessions, limit=5)]
        assert order == ["urgent", "old", "new", "low"]

    async def test_concurrent_claims_never_take_the_same_row(self, sessions) -> None:
        """Two claims at once (SKIP LOCKED) split ten follow-ups between them."""
        await request(sessions, *(stock(str(n)) for n in range(10)))
        first, second = await asyncio.gather(claim(sessions, 6), claim(sessions, 6))
        taken = [f.zoho_id for f in first] + [f.zoho_id for f in second]
        assert sorted(taken) == sorted(str(n) for n in range(10))

    async def test_a_call_whose_lease_ran_out_is_claimed_again(self, sessions) -> None:
        """A process that died mid-call leaves its follow-up running; after the lease it is due again."""
        await request(sessions, stock("1"))
        assert len(await claim(sessions)) == 1
        assert await claim(sessions) == []
        await execute(sessions, "UPDATE tds.tds_followups SET locked_until = now() - interval '1 second'")
        assert [f.zoho_id for f in await claim(sessions)] == ["1"]

    async def test_the_pull_sees_the_calls_waiting_ahead_of_its_pages(self, sessions) -> None:
        """Waiting and running stock refreshes are ahead of pull pages; an image (priority 40) is not."""
        await request(sessions, stock("1"), stock("2"), stock("3", 600))
        await claim(sessions, limit=1)
        await execute(sessions, "UPDATE tds.tds_followups SET priority = 40 WHERE zoho_id = '3'")
        assert await PostgresFollowupDemand(sessions).calls_ahead_of(Priority.PULL_PAGE) == 2


class TestRunner:
    async def test_a_failing_call_is_retried_then_given_up_with_its_error(self, sessions) -> None:
        """Three attempts: two put back with the error kept, the third gives up (failed, error recorded)."""
        work = Work(ZohoError("GET /items/1: the answer is not a JSON object"))
        loop = runner(sessions, work, max_attempts=3)
        await request(sessions, stock("1"))
        rounds = [await loop.run_once() for _ in range(4)]
        assert [(r.retried, r.failed) for r in rounds] == [(1, 0), (1, 0), (0, 1), (0, 0)]
        (row,) = await rows(sessions)
        assert (row["status"], row["attempts"]) == ("failed", 3)
        assert row["last_error"] == "ZohoError: GET /items/1: the answer is not a JSON object"
        assert row["finished_at"] is not None
        assert work.ran == ["1", "1", "1"]

    async def test_with_the_budget_short_follow_ups_wait_and_run_when_it_returns(self, sessions) -> None:
        """At the floor nothing is claimed and nothing dropped; with budget back, the call is made."""
        budget = Budget(left=5)
        work = Work()
        loop = runner(sessions, work, budget, budget_floor=5)
        await request(sessions, stock("1"), stock("2"))
        short = await loop.run_once()
        assert (short.claimed, short.budget_short) == (0, True)
        assert [r["status"] for r in await rows(sessions)] == ["pending", "pending"]
        budget.left = 6  # one call above the floor: one follow-up, the other waits
        one = await loop.run_once()
        assert (one.claimed, one.done) == (1, 1)
        assert sorted(r["status"] for r in await rows(sessions)) == ["done", "pending"]
        budget.left = 100
        assert (await loop.run_once()).done == 1
        assert [r["status"] for r in await rows(sessions)] == ["done", "done"]

    async def test_a_call_refused_for_the_rate_waits_without_spending_an_attempt(self, sessions) -> None:
        """A ZohoRateLimited puts the follow-up back (up to 5 minutes) and the rest of its batch with it,
        attempts untouched."""
        work = Work(ZohoRateLimited("the daily Zoho API budget is used up", retry_after_s=3600.0))
        loop = runner(sessions, work)
        await request(sessions, stock("1"), stock("2"), stock("3"))
        result = await loop.run_once()
        assert (result.claimed, result.paused, result.retried) == (3, 3, 0)
        assert work.ran == ["1"]
        found = await rows(sessions)
        assert {(r["status"], r["attempts"]) for r in found} == {("pending", 0)}
        refused = next(r for r in found if r["zoho_id"] == "1")
        assert refused["run_after"] > datetime.now(UTC) + timedelta(seconds=200)


class TestSurfaces:
    async def test_metrics_count_waiting_follow_ups_and_finished_ones(self, sessions) -> None:
        """/metrics: waiting by kind and status; done and given-up counters."""
        await request(sessions, stock("ok"), stock("bad"), stock("later", 600))
        await runner(sessions, Work()).run_once()  # "ok" and "bad" both done here
        await execute(sessions, "UPDATE tds.tds_followups SET status = 'failed' WHERE zoho_id = 'bad'")
        reader = ClusterMetricsReader(load_settings(metrics={"counter_settle_s": 0}))
        async with transaction(sessions) as session:
            await asyncio.sleep(0.01)
            metrics = await reader.read(session)
        assert metrics.followups_active == {("stock_refresh", "pending"): 1}
        assert metrics.followups_finished == {("stock_refresh", "done"): 1, ("stock_refresh", "failed"): 1}
        registry = CollectorRegistry(auto_describe=False)
        registry.register(ClusterCollector(metrics))
        body = generate_latest(registry).decode()
        assert 'tds_followups_pending{kind="stock_refresh",status="pending"} 1.0' in body
        assert 'tds_followups_finished_total{kind="stock_refresh",outcome="done"} 1.0' in body

    async def test_retention_removes_old_finished_follow_ups_only(self, sessions) -> None:
        """A follow-up finished 40 days ago goes; one still waiting, however old, stays."""
        await request(sessions, stock("done"), stock("waiting", 600))
        await runner(sessions, Work()).run_once()
        await execute(
            sessions,
            "UPDATE tds.tds_followups SET created_at = now() - interval '41 days',"
            " finished_at = CASE WHEN finished_at IS NULL THEN NULL ELSE now() - interval '40 days' END",
        )
        async with transaction(sessions) as session:
            pruned = await RetentionRepository(session).prune(30, 0, 100)
        assert pruned.followups == 1
        assert [r["zoho_id"] for r in await rows(sessions)] == ["waiting"]


class TestLoop:
    async def test_the_loop_runs_follow_ups_as_they_fall_due_until_stopped(self, sessions) -> None:
        """`run(stop)` makes the due calls, waits its poll interval when idle, and ends on stop."""
        work = Work()
        loop = runner(sessions, work, poll_interval_s=0.05)
        stop = asyncio.Event()
        task = asyncio.create_task(loop.run(stop))
        await request(sessions, stock("1"), stock("2"))
        for _ in range(200):
            if sorted(work.ran) == ["1", "2"]:
                break
            await asyncio.sleep(0.05)
        stop.set()
        await asyncio.wait_for(task, 5)
        assert [r["status"] for r in await rows(sessions)] == ["done", "done"]
