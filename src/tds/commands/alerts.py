"""`tds alerts`: list alerts, acknowledge or resolve one."""

from __future__ import annotations

import asyncio
import getpass
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from tds.commands.common import load_cli_settings
from tds.errors import TdsError
from tds.insights.alerts import ACTIVE_STATUSES, ALERT_STATUSES, AlertView

if TYPE_CHECKING:
    from tds.alerts.service import AlertService

app = typer.Typer(help="List, acknowledge and resolve alerts; send a test message.", no_args_is_help=True)
MAX_ID = 2**63 - 1
T = TypeVar("T")
IdArgument = Annotated[int, typer.Argument(min=1, max=MAX_ID, help="the alert id")]
ByOption = Annotated[str | None, typer.Option("--by", help="who acts (default: the OS user)")]


@app.command("list")
def list_alerts(
    status: Annotated[
        list[str] | None, typer.Option(help=f"repeat for several ({', '.join(ALERT_STATUSES)})")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 50,
) -> None:
    """Alerts, newest first (default: open and acknowledged)."""
    statuses = status or list(ACTIVE_STATUSES)
    alerts = _run(lambda service: service.list(statuses=statuses, limit=limit))
    if not alerts:
        typer.echo("no alerts")
    for alert in alerts:
        typer.echo(_line(alert))


@app.command("ack")
def acknowledge(alert_id: IdArgument, by: ByOption = None) -> None:
    """Acknowledge an open alert (stops its escalation)."""
    alert = _run(lambda service: service.acknowledge(alert_id, by or getpass.getuser()))
    typer.echo(f"acknowledged: {_line(alert)}")


@app.command("resolve")
def resolve(alert_id: IdArgument, by: ByOption = None) -> None:
    """Resolve an alert by hand."""
    alert = _run(lambda service: service.resolve(alert_id, by or getpass.getuser()))
    typer.echo(f"resolved: {_line(alert)}")


def _line(alert: AlertView) -> str:
    subject = f" [{alert.subject}]" if alert.subject else ""
    when = alert.fired_at.strftime("%Y-%m-%d %H:%M:%SZ")
    head = f"#{alert.id} {alert.status:<12} {alert.severity:<8} {alert.rule}{subject}"
    return f"{head} since {when}: {alert.message}"


def _run(call: Callable[[AlertService], Awaitable[T]]) -> T:
    try:
        return asyncio.run(_in_transaction(call))
    except TdsError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(code=1) from exc


async def _in_transaction(call: Callable[[AlertService], Awaitable[T]]) -> T:
    from tds.alerts.service import AlertService
    from tds.bootstrap import build_container
    from tds.db.engine import transaction

    container = await build_container(load_cli_settings(), migrate_now=False)
    try:
        async with transaction(container.sessions) as session:
            return await call(AlertService(session))
    finally:
        await container.aclose()
