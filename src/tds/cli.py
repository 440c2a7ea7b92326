"""The `tds` command line: serve, api, worker, migrate, and the feature commands (sync, replay, dlq, …)."""

from __future__ import annotations

from typing import Annotated

import typer

from tds.commands.common import load_cli_settings

app = typer.Typer(
    help="TDS Core: keeps an ERP PostgreSQL database in step with Zoho Books.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.command()
def migrate(
    check: Annotated[bool, typer.Option(help="only verify the models and migrations agree")] = False,
) -> None:
    """Apply the database migrations (or check them)."""
    from tds.bootstrap import resolve_database_url
    from tds.db import migrate as migrations

    settings = load_cli_settings()
    url, _server = resolve_database_url(settings)
    if check:
        migrations.check(url, settings.db.schema_name)
        typer.echo("models and migrations agree")
        return
    migrations.upgrade_installation(url, settings)
    typer.echo(f"database at revision {migrations.head_revision()}")


@app.command()
def api() -> None:
    """Run the HTTP API only (webhooks, admin API, health and readiness)."""
    from tds.runtime import run_process, run_service

    raise typer.Exit(run_service(run_process(load_cli_settings(), api=True, worker=False)))


@app.command()
def worker() -> None:
    """Run the worker pool, the monitor loop, and the incremental pull scheduler (when Zoho is configured)."""
    from tds.runtime import run_process, run_service

    raise typer.Exit(run_service(run_process(load_cli_settings(), api=False, worker=True)))


@app.command()
def serve() -> None:
    """Run API, worker pool, monitor and pull scheduler in one process (embedded PostgreSQL if no URL)."""
    from tds.runtime import run_process, run_service

    raise typer.Exit(run_service(run_process(load_cli_settings(), api=True, worker=True)))


def _register_feature_commands() -> None:
    from tds.commands import alerts, backup, demo, dlq, emulator, erp, reconcile, sync, uninstall
    from tds.commands import queue as queue_commands

    app.command()(sync.sync)
    app.command()(emulator.emulator)
    app.command()(demo.demo)
    app.command()(queue_commands.replay)
    app.add_typer(dlq.app, name="dlq")
    app.add_typer(alerts.app, name="alerts")
    app.add_typer(erp.app, name="erp")
    app.command()(reconcile.reconcile)
    app.command()(backup.backup)
    app.command()(backup.restore)
    app.command()(uninstall.uninstall)


_register_feature_commands()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
