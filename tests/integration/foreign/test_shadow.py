"""Shadow mode beside the earlier integration: nothing is written to the ERP, and the report of what
would be written matches what a live run then writes."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator

import httpx
import pytest

from tds.api.app import create_app
from tds.bootstrap import build_container
from tds.config import Settings, load_settings
from tds.db.engine import transaction
from tds.entities.shadow_repository import ShadowRepository
from tds.entities.target import build_handlers
from tds.queue.jobs import ReplayFilter
from tds.queue.service import QueueService
from tds.worker.pool import WorkerPool
from tests.e2e.conftest import TOKEN as STACK_TOKEN
from tests.e2e.conftest import Stack
from tests.foreign_erp.fixtures import ForeignErp
from tests.integration.foreign.test_living_inside import fetch, new_and_linked_items, tds_env

ERP_DIGEST = """
SELECT (SELECT md5(string_agg(p::text, '|' ORDER BY id)) FROM public.products AS p)
    || (SELECT md5(string_agg(c::text, '|' ORDER BY id)) FROM public.customers AS c) AS digest
"""


def foreign_settings(foreign: ForeignErp, *, shadow: bool, max_attempts: int = 1) -> Settings:
    return load_settings(
        environment="test",
        webhooks={"shared_token": STACK_TOKEN},
        erp={"profile": foreign.profile, "shadow": shadow},
        worker={"retry_delays_s": [0.0], "retry_jitter": 0.0, "max_attempts": max_attempts},
    )


async def running(foreign: ForeignErp, *, shadow: bool, max_attempts: int = 1) -> AsyncIterator[Stack]:
    settings = foreign_settings(foreign, shadow=shadow, max_attempts=max_attempts)
    container = await build_container(settings, database_url=foreign.role_url, migrate_now=True)
    pool = WorkerPool(container.sessions, container.engine, build_handlers(settings.erp), settings.worker)
    transport = httpx.ASGITransport(app=create_app(container))
    async with httpx.AsyncClient(transport=transport, base_url="http://tds.test") as client:
        yield Stack(container, pool, client=client)
    await container.aclose()


@pytest.fixture
async def shadow_stack(foreign_erp_db: ForeignErp) -> AsyncIterator[Stack]:
    async for stack in running(foreign_erp_db, shadow=True):
        yield stack


async def test_shadow_writes_nothing_and_reports_what_a_live_run_then_writes(
    foreign_erp_db: ForeignErp, shadow_stack: Stack
) -> None:
    """Webhooks for new, linked and customer records pass through the real handlers in shadow: the
    ERP's rows, the audit trail and the sync state stay as they were; the report's counts per entity
    and outcome then equal the outcomes of the same events replayed live."""
    foreign = foreign_erp_db
    fresh, linked = new_and_linked_items(foreign)
    customer = next(c for c in foreign.zoho["contact"] if c.get("contact_type") == "customer")
    before = (await fetch(foreign.admin_url, ERP_DIGEST))[0]["digest"]
    for entity, body in (
        ("item", {"item": fresh}),
        ("item", {"item": linked}),
        ("contact", {"contact": customer}),
    ):
        answer = await shadow_stack.post(entity, body)
        assert answer.status_code == 202, answer.text
    assert await shadow_stack.drain() == 3
    assert (await fetch(foreign.admin_url, ERP_DIGEST))[0]["digest"] == before
    untouched = await fetch(
        foreign.admin_url,
        "SELECT (SELECT count(*) FROM tds.tds_erp_versions) "
        "+ (SELECT count(*) FROM tds.tds_audit_trail) AS n",
    )
    assert untouched[0]["n"] == 0
    async with transaction(shadow_stack.container.sessions) as session:
        report = {(c.entity, c.outcome): c.records for c in await ShadowRepository(session).summary()}
    assert sum(report.values()) == 3
    assert report[("item", "inserted")] == 1  # the linked product is updated, not inserted
    assert report[("item", "updated")] == 1

    printed = subprocess.run(
        [sys.executable, "-m", "tds", "erp", "shadow-report"],
        env=tds_env(foreign),
        capture_output=True,
        text=True,
    )
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.splitlines()[1].split() == ["contact", *_row(report, "contact")]

    async for live in running(foreign, shadow=False):
        async with transaction(live.container.sessions) as session:
            replayed = await QueueService(session, 3).replay_matching(ReplayFilter(status="processed"))
        assert replayed.enqueued == 3
        assert await live.drain() == 3
    outcomes = await fetch(
        foreign.admin_url,
        "SELECT l.entity, l.outcome FROM tds.tds_sync_logs AS l "
        "JOIN tds.tds_sync_queue AS q ON q.id = l.queue_job_id WHERE q.attempts = 1 AND l.id > 3",
    )
    assert Counter((r["entity"], r["outcome"]) for r in outcomes) == Counter(report)
    assert (await fetch(foreign.admin_url, ERP_DIGEST))[0]["digest"] != before


def _row(report: dict[tuple[str, str], int], entity: str) -> list[str]:
    return [str(report.get((entity, o), 0)) for o in ("inserted", "updated", "deleted", "unchanged", "stale")]
