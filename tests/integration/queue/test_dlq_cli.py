"""`tds dlq` as an operator runs it (a subprocess): list, show, replay one or a group, discard."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.integration.queue.test_admin_api import make_dead_letter
from tests.queue_factories import execute, scalar

Sessions = async_sessionmaker[AsyncSession]
OPEN = "SELECT string_agg(id::text, ',' ORDER BY id) FROM tds.tds_dead_letter_queue WHERE resolved_at IS NULL"
PENDING = (
    "SELECT string_agg(entity_key, ',' ORDER BY id) FROM tds.tds_sync_queue "
    "WHERE status = 'pending' AND max_attempts = 2"
)


async def tds(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m tds dlq ARGS` with this test's database, its output piped (not a terminal)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TDS_")}
    env.update(TDS_DB__URL=db_url, TDS_LOG_LEVEL="ERROR", TDS_WORKER__MAX_ATTEMPTS="2", LOGNAME="ops-alice")
    command = [sys.executable, "-m", "tds", "dlq", *args]
    return await asyncio.to_thread(
        subprocess.run, command, env=env, capture_output=True, text=True, timeout=120, check=False
    )


async def grouped_letters(sessions: Sessions) -> list[int]:
    """Three open item dead letters: two share an error group (ids differ only in digits), one does not."""
    letters = [await make_dead_letter(sessions, str(n)) for n in (1, 2, 3)]
    await execute(
        sessions,
        "UPDATE tds.tds_dead_letter_queue "
        "SET error = 'KeyError: name of ' || id || E'\\n' || 'detail ' || id WHERE id <> :other",
        other=letters[2],
    )
    return letters


async def test_list_filters_by_entity_one_line_per_entry(db_url: str, sessions: Sessions) -> None:
    """An alias filters the list; an entry is one untruncated line (its error's first), or one JSON object."""
    first, second, third = await grouped_letters(sessions)
    long_error = "ValueError: " + "x" * 150
    await execute(
        sessions, "UPDATE tds.tds_dead_letter_queue SET error = :e WHERE id = :id", e=long_error, id=third
    )
    await execute(
        sessions,
        "UPDATE tds.tds_dead_letter_queue SET entity = 'contact', entity_key = 'contact:1' WHERE id = :id",
        id=first,
    )

    listed = await tds(db_url, "list", "--entity", "products")
    assert listed.returncode == 0, listed.stderr
    header, *lines = listed.stdout.splitlines()
    assert header.split()[:4] == ["id", "entity", "record", "state"]
    assert [line.split()[:4] for line in lines] == [
        [str(third), "item", "3", "open"],
        [str(second), "item", "2", "open"],
    ]
    assert lines[0].endswith(long_error)
    assert lines[1].endswith(f"KeyError: name of {second}")

    as_json = await tds(db_url, "list", "--json", "--entity", "contact", "--limit", "5")
    assert as_json.returncode == 0, as_json.stderr
    (entry,) = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert (entry["id"], entry["entity_key"], entry["attempts"]) == (first, "contact:1", 4)
    assert entry["error_group"] == "KeyError: name of #"
    assert "traceback" not in entry


async def test_show_then_replay_one_puts_the_job_back(db_url: str, sessions: Sessions) -> None:
    """`show` prints the full error and traceback; `replay ID` queues its event and closes the entry."""
    letter, *others = await grouped_letters(sessions)

    shown = await tds(db_url, "show", str(letter))
    assert shown.returncode == 0, shown.stderr
    assert f"dead letter {letter} (open)" in shown.stdout
    assert f"KeyError: name of {letter}\ndetail {letter}\n" in shown.stdout
    assert "error group:  KeyError: name of #" in shown.stdout
    assert "Traceback ..." in shown.stdout

    replayed = await tds(db_url, "replay", str(letter))
    assert replayed.returncode == 0, replayed.stderr
    assert replayed.stdout.strip() == f"dead letter {letter} (item:1): 1 job(s) queued"
    assert await scalar(sessions, PENDING) == "item:1"
    assert await scalar(sessions, OPEN) == ",".join(map(str, others))
    assert f"dead letter {letter} (replayed)" in (await tds(db_url, "show", str(letter))).stdout


async def test_replay_group_queues_the_group_that_show_names(db_url: str, sessions: Sessions) -> None:
    """The error group `show --json` reports replays that group's open entries, and no other."""
    first, _, other = await grouped_letters(sessions)
    group = json.loads((await tds(db_url, "show", "--json", str(first))).stdout)["error_group"]

    replayed = await tds(db_url, "replay", "--entity", "products", "--error", group)
    assert replayed.returncode == 0, replayed.stderr
    assert replayed.stdout.strip() == f"2 open dead letter(s) of item with {group!r}: 2 job(s) queued"
    assert await scalar(sessions, PENDING) == "item:1,item:2"
    assert await scalar(sessions, OPEN) == str(other)


async def test_discard_keeps_the_reason_and_who(db_url: str, sessions: Sessions) -> None:
    """A discard resolves the entry with its reason and the OS user; a second one is refused in one line."""
    letter = await make_dead_letter(sessions)

    discarded = await tds(db_url, "discard", str(letter), "--reason", "record deleted in Zoho")
    assert discarded.returncode == 0, discarded.stderr
    assert (
        discarded.stdout.strip() == f"dead letter {letter} discarded: record deleted in Zoho (by ops-alice)"
    )
    shown = json.loads((await tds(db_url, "show", "--json", str(letter))).stdout)
    assert shown["discard_reason"] == "record deleted in Zoho (by ops-alice)"
    assert shown["resolved_at"] is not None
    assert shown["replayed_at"] is None
    assert await scalar(sessions, "SELECT count(*) FROM tds.tds_sync_queue WHERE status = 'pending'") == 0
    listed = await tds(db_url, "list", "--all")
    assert listed.stdout.splitlines()[1].split()[3] == "discarded"

    again = await tds(db_url, "discard", str(letter), "--reason", "twice", "--by", "bob")
    assert (again.returncode, again.stderr) == (1, f"error: dead letter {letter} is already resolved\n")


async def test_unknown_ids_and_bad_input_end_without_a_traceback(db_url: str, sessions: Sessions) -> None:
    """A missing entry is exit 1 in one line; a bad entity, id or combination is exit 2, naming the fix."""
    letter = await make_dead_letter(sessions)
    cases: list[tuple[list[str], int, str]] = [
        (["show", "999"], 1, "error: no dead letter 999\n"),
        (["replay", "999"], 1, "error: no dead letter 999\n"),
        (["discard", "999", "--reason", "gone"], 1, "error: no dead letter 999\n"),
        (
            ["replay", "--entity", "item", "--error", "no such error"],
            1,
            "error: no open dead letters of item",
        ),
        (["list", "--entity", "spaceship"], 2, "unknown entity 'spaceship' (known: item, contact"),
        (["replay", "--entity", "spaceship", "--error", "x"], 2, "unknown entity 'spaceship'"),
        (["replay"], 2, "give a dead-letter ID, or --entity and --error"),
        (["replay", str(letter), "--entity", "item", "--error", "x"], 2, "give a dead-letter ID"),
        (["replay", "--entity", "item"], 2, "give a dead-letter ID"),
        (["discard", str(letter), "--reason", "  "], 2, "give a reason"),
        (["discard", str(letter)], 2, "--reason"),
        (["show", "abc"], 2, "Invalid value for 'ID'"),
        (["list", "--limit", "0"], 2, "Invalid value for '--limit'"),
    ]
    for args, code, message in cases:
        result = await tds(db_url, *args)
        assert (result.returncode, "Traceback" in result.stderr) == (code, False), (args, result.stderr)
        assert message in result.stderr, (args, result.stderr)
    assert await scalar(sessions, OPEN) == str(letter)
