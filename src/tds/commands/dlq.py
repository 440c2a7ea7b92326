"""`tds dlq list|show|replay|discard`: the dead-letter queue on the command line, as the admin API has it."""

from __future__ import annotations

import asyncio
import getpass
import json
import shutil
import sys
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Annotated, NoReturn, TypeVar

import typer

from tds.commands.common import in_transaction, load_cli_settings
from tds.config import Settings
from tds.entities import catalog
from tds.errors import TdsError
from tds.queue.dead_letters import error_group
from tds.queue.jobs import DeadLetterView, ReplayResult
from tds.queue.service import MAX_PAGE_SIZE, InvalidQueueRequest, QueueService

T = TypeVar("T")
MAX_ID = 2**63 - 1  # ids are bigint
COLUMNS = ("id", "entity", "record", "state", "attempts", "failed at (UTC)", "error")
NUMERIC_COLUMNS = frozenset({0, 4})  # right-aligned

app = typer.Typer(help="The dead-letter queue: list, show, replay or discard entries.", no_args_is_help=True)
IdArgument = Annotated[
    int, typer.Argument(min=1, max=MAX_ID, metavar="ID", help="the dead-letter entry id", show_default=False)
]
EntityOption = Annotated[
    str | None, typer.Option(help="only this entity (name or alias)", show_default=False)
]
JsonOption = Annotated[bool, typer.Option("--json", help="JSON, one object per entry and line")]


@app.command("list")
def list_entries(
    entity: EntityOption = None,
    open_only: Annotated[
        bool, typer.Option("--open/--all", help="only open entries, or also replayed and discarded ones")
    ] = True,
    limit: Annotated[int, typer.Option(min=1, max=MAX_PAGE_SIZE, help="at most this many")] = 50,
    offset: Annotated[int, typer.Option(min=0, help="skip this many (the newest)")] = 0,
    as_json: JsonOption = False,
) -> None:
    """Dead letters, newest first, one line each (without tracebacks: `tds dlq show ID` has them)."""
    name = _entity(entity)
    letters = _run(
        lambda service: service.dead_letters(entity=name, open_only=open_only, limit=limit, offset=offset)
    )
    if as_json:
        for letter in letters:
            typer.echo(_json(letter, traceback=False))
        return
    if not letters:
        typer.echo("no open dead letters" if open_only else "no dead letters")
        return
    width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
    for line in table_lines(letters, width):
        typer.echo(line)
    if len(letters) == limit:
        typer.echo(f"(there may be more: --offset {offset + limit})", err=True)


@app.command()
def show(dead_letter_id: IdArgument, as_json: JsonOption = False) -> None:
    """One dead letter with its full error, its error group and its traceback."""
    letter = _run(lambda service: service.dead_letter(dead_letter_id))
    typer.echo(_json(letter) if as_json else "\n".join(detail_lines(letter)))


@app.command()
def replay(
    dead_letter_id: Annotated[
        int | None,
        typer.Argument(min=1, max=MAX_ID, metavar="ID", help="one dead-letter entry id", show_default=False),
    ] = None,
    entity: EntityOption = None,
    error: Annotated[
        str | None,
        typer.Option(help="an error group: the error's first line, digits as # (`tds dlq show` prints it)"),
    ] = None,
) -> None:
    """Queue again one dead letter (ID), or every open one of an error group (--entity and --error)."""
    if (dead_letter_id is None) == (entity is None and error is None) or (entity is None) != (error is None):
        _fail("give a dead-letter ID, or --entity and --error (one error group)", code=2)
    if dead_letter_id is not None:
        letter, result = _run(lambda service: _replay_one(service, dead_letter_id))
        typer.echo(f"dead letter {letter.id} ({letter.entity_key}): {_enqueued(result)}")
        return
    name, group = _entity(entity), error or ""
    assert name is not None  # both given, checked above
    result = _run(lambda service: service.replay_dead_letter_group(name, group))
    typer.echo(f"{result.matched} open dead letter(s) of {name} with {group!r}: {_enqueued(result)}")


@app.command()
def discard(
    dead_letter_id: IdArgument,
    reason: Annotated[
        str, typer.Option(help="why it needs no replay (kept with the entry)", show_default=False)
    ],
    by: Annotated[
        str | None, typer.Option(help="who discards it [default: the OS user name]", show_default=False)
    ] = None,
) -> None:
    """Close an open dead letter without running it again; the reason and who are kept with the entry."""
    who = (by if by is not None else _os_user()).strip()
    if not reason.strip():
        _fail("give a reason (--reason): why the entry needs no replay", code=2)
    if not who:
        _fail("give who discards it (--by): the OS user name is unknown", code=2)
    note = f"{reason.strip()} (by {who})"
    _run(lambda service: service.discard_dead_letter(dead_letter_id, note))
    typer.echo(f"dead letter {dead_letter_id} discarded: {note}")


def table_lines(letters: list[DeadLetterView], width: int | None) -> list[str]:
    """A header and one line per entry in content-sized columns; cut to `width` when one is given."""
    rows = [list(COLUMNS), *(_cells(letter) for letter in letters)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS) - 1)]
    lines = []
    for row in rows:
        cells = [
            cell.rjust(size) if i in NUMERIC_COLUMNS else cell.ljust(size)
            for i, (cell, size) in enumerate(zip(row, widths, strict=False))
        ]
        lines.append("  ".join([*cells, row[-1]]))
    if width is None:
        return lines
    return [line if len(line) <= width else line[: max(width - 1, 0)] + "…" for line in lines]


def detail_lines(letter: DeadLetterView) -> list[str]:
    """One entry in full: where it came from, what became of it, its error and traceback."""
    lines = [
        f"dead letter {letter.id} ({state(letter)})",
        f"entity:       {letter.entity}",
        f"record:       {letter.entity_key}",
        f"inbox event:  {letter.inbox_event_id}",
        f"job:          {letter.queue_job_id if letter.queue_job_id is not None else '-'}",
        f"attempts:     {letter.attempts}",
        f"failed at:    {_when(letter.failed_at)} UTC",
    ]
    if letter.replayed_at is not None:
        lines.append(f"replayed at:  {_when(letter.replayed_at)} UTC")
    if letter.discarded_at is not None:
        lines.append(f"discarded at: {_when(letter.discarded_at)} UTC")
        lines.append(f"reason:       {letter.discard_reason}")
    lines += [f"error group:  {error_group(letter.error)}", "error:", letter.error, "traceback:"]
    lines.append(letter.traceback or "(none kept)")
    return lines


def state(letter: DeadLetterView) -> str:
    if letter.resolved_at is None:
        return "open"
    if letter.replayed_at is not None:
        return "replayed"
    return "discarded" if letter.discarded_at is not None else "resolved"


def _cells(letter: DeadLetterView) -> list[str]:
    record = letter.entity_key.partition(":")[2] or letter.entity_key
    first_line = letter.error.split("\n", 1)[0]
    return [
        str(letter.id),
        letter.entity,
        record,
        state(letter),
        str(letter.attempts),
        _when(letter.failed_at),
        first_line,
    ]


def _json(letter: DeadLetterView, *, traceback: bool = True) -> str:
    fields = asdict(letter)
    if not traceback:
        del fields["traceback"]
    fields["error_group"] = error_group(letter.error)
    return json.dumps(fields, ensure_ascii=False, default=_iso)


def _iso(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _enqueued(result: ReplayResult) -> str:
    already = result.matched - result.enqueued
    suffix = f" ({already} event(s) already had one queued)" if already else ""
    return f"{result.enqueued} job(s) queued{suffix}"


async def _replay_one(service: QueueService, dead_letter_id: int) -> tuple[DeadLetterView, ReplayResult]:
    letter = await service.dead_letter(dead_letter_id)
    return letter, await service.replay_dead_letter(dead_letter_id)


def _entity(name: str | None) -> str | None:
    """The catalog's name for an entity option; exit 2 naming the known entities when it is unknown."""
    if name is None:
        return None
    spec = catalog.lookup(name)
    if spec is None:
        _fail(f"unknown entity {name!r} (known: {', '.join(catalog.ENTITY_NAMES)})", code=2)
    return spec.name


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment and no passwd entry
        return ""


def _run(work: Callable[[QueueService], Awaitable[T]]) -> T:
    """Runs one service call in one transaction; a refused request ends the command with one line."""
    try:
        return asyncio.run(_in_transaction(load_cli_settings(), work))
    except InvalidQueueRequest as exc:
        _fail(exc.message, code=2)
    except TdsError as exc:  # not found, already resolved, database busy or away
        _fail(exc.message)


async def _in_transaction(settings: Settings, work: Callable[[QueueService], Awaitable[T]]) -> T:
    attempts = settings.worker.max_attempts
    return await in_transaction(settings, lambda session: work(QueueService(session, attempts)))


def _fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)
