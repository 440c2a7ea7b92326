"""`tds replay` on the command line: re-enqueues what it is asked to and says how many."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from tds.cli import app
from tests.queue_factories import enqueue, execute, scalar

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture(autouse=True)
def keep_logging() -> Iterator[None]:
    """The command configures process-wide logging; give the test run its own set-up back."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


async def tds(db_url: str, *args: str) -> tuple[int, str, str]:
    """Runs the command in a thread (it starts its own event loop), with the database in its env."""
    env = {"TDS_DB__URL": db_url, "TDS_LOG_LEVEL": "WARNING", "TDS_WORKER__MAX_ATTEMPTS": "2"}
    result = await asyncio.to_thread(CliRunner().invoke, app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


async def test_replay_cli_by_filter_and_by_event(db_url: str, sessions: Sessions) -> None:
    """A filter replays matching events; a repeated replay of a queued event enqueues nothing new."""
    await enqueue(sessions, [("item", "1"), ("item", "2"), ("contact", "1")])
    await execute(sessions, "UPDATE tds.tds_sync_queue SET status = 'succeeded'")
    await execute(sessions, "UPDATE tds.tds_inbox_events SET status = 'failed' WHERE entity = 'item'")

    code, out, err = await tds(
        db_url, "replay", "--entity", "products", "--status", "failed", "--since", "2020-01-01"
    )
    assert code == 0, err
    assert out.strip() == "re-enqueued 2 of 2 matching event(s)"
    pending = "SELECT count(*) FROM tds.tds_sync_queue WHERE status = 'pending' AND max_attempts = 2"
    assert await scalar(sessions, pending) == 2

    event_id = await scalar(sessions, "SELECT min(id) FROM tds.tds_inbox_events")
    code, out, _ = await tds(db_url, "replay", "--event", str(event_id))
    assert (code, out.strip()) == (0, "re-enqueued 0 of 1 matching event(s) (1 already queued)")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        ([], 2, "exactly one of"),
        (["--event", "1", "--entity", "item"], 2, "exactly one of"),
        (["--entity", "spaceship"], 2, "unknown entity"),
        (["--since", "yesterday"], 2, "since"),
        (["--dlq", "77"], 1, "no dead letter 77"),
    ],
)
async def test_replay_cli_refuses_unclear_requests(
    db_url: str, args: list[str], code: int, message: str
) -> None:
    """No selection, two selections, a bad entity or time, or a missing id end with an error."""
    exit_code, _, err = await tds(db_url, "replay", *args)
    assert exit_code == code
    assert message in err
