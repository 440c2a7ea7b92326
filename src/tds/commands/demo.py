"""`tds demo`: the whole service against a local Zoho Books emulator, in one command.

The emulator serves a generated organisation and sends signed webhooks when its records change; TDS
Core (API, workers, pull scheduler, monitor) pulls everything at start and then follows the webhooks.
The data goes to an embedded PostgreSQL of the demo's own (never the configured database, unless
named with --database-url), so a demo cannot write into a real ERP.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from pathlib import Path
from typing import Annotated, Any

import typer

Opt = typer.Option
DEMO_DATA_DIR = Path.home() / ".local" / "share" / "tds" / "demo-pgdata"


def demo(
    port: Annotated[int, Opt(help="port of TDS Core's API and dashboard")] = 8000,
    emulator_port: Annotated[int, Opt(help="port of the Zoho Books emulator")] = 8090,
    items: Annotated[int, Opt(help="items the emulated organisation has")] = 200,
    contacts: Annotated[int, Opt(help="contacts (customers and vendors)")] = 100,
    invoices: Annotated[int, Opt(help="invoices (other documents scale with it)")] = 300,
    mutate_every: Annotated[float, Opt(help="change some Zoho records every N seconds; 0 = never")] = 10.0,
    database_url: Annotated[
        str | None, Opt(help="fill this database instead of the demo's embedded one")
    ] = None,
    data_dir: Annotated[Path, Opt(help="the demo's embedded PostgreSQL data directory")] = DEMO_DATA_DIR,
) -> None:
    """Try TDS Core against a local Zoho Books emulator (its own database; Ctrl-C stops both)."""
    from tds.emulator.options import DatasetSizes, EmulatorOptions

    sizes = DatasetSizes.from_counts(items=items, contacts=contacts, invoices=invoices)
    options = EmulatorOptions(sizes=sizes, per_minute_limit=0, mutate_interval_s=mutate_every)
    raise typer.Exit(_run(options, port, emulator_port, database_url, data_dir))


def _run(options: Any, port: int, emulator_port: int, database_url: str | None, data_dir: Path) -> int:
    from tds.commands.common import load_cli_settings
    from tds.config import load_settings
    from tds.emulator.launch import client_env, startup_webhooks
    from tds.runtime import run_service

    base = load_cli_settings()  # logging as configured; the rest is the demo's own
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per webhook and API call drowns the rest
    secret, admin_key = secrets.token_hex(16), secrets.token_urlsafe(24)
    emulator_url = f"http://127.0.0.1:{emulator_port}"
    zoho = {key.removeprefix("TDS_ZOHO__").lower(): v for key, v in client_env(options, emulator_url).items()}
    settings = load_settings(
        environment="dev",
        log_level=base.log_level,
        db={"url": database_url, "data_dir": data_dir},
        api={"host": "127.0.0.1", "port": port, "admin_api_keys": [admin_key]},
        webhooks={"hmac_secret": secret},
        zoho={**zoho, "requests_per_minute": 6000},  # the emulator's limit is off: no need to pace
        pull={"interval_s": 300.0, "entities": []},
        # Whatever the environment configures for a real installation stays out of the demo:
        erp={"profile": None},  # the default `erp.*` schema, which its database has
        alerts={"channels": []},  # no message to a real channel
    )
    hooks = startup_webhooks(f"http://127.0.0.1:{port}/webhooks/zoho/{{entity}}", secret)
    typer.echo(f"TDS Core demo: dashboard http://127.0.0.1:{port}/dashboard (API key {admin_key})")
    typer.echo(f"Zoho Books emulator: {emulator_url}/__emulator__/docs")
    if options.mutate_interval_s:
        typer.echo(f"  it edits a few records every {options.mutate_interval_s:g} s and sends their webhooks")
    typer.echo("Ctrl-C stops both.")
    if database_url is None:
        typer.echo(f"Data: an embedded PostgreSQL in {data_dir}")
    return run_service(_together(settings, options, hooks, emulator_port))


async def _together(settings: Any, options: Any, hooks: Any, emulator_port: int) -> int:
    """The emulator served beside the service; the service's stop (a signal) stops the emulator too."""
    import uvicorn

    from tds.emulator.app import create_app
    from tds.emulator.service import Emulator
    from tds.runtime import run_process

    config = uvicorn.Config(
        create_app(Emulator(options, webhooks=hooks)),
        host="127.0.0.1",
        port=emulator_port,
        log_level="warning",
    )
    server = _quiet_server(config)
    serving = asyncio.create_task(server.serve())
    while not server.started and not serving.done():
        await asyncio.sleep(0.05)
    if serving.done():  # the port is taken, say
        typer.echo(f"the emulator could not start on 127.0.0.1:{emulator_port}", err=True)
        return 2
    try:
        return await run_process(settings, api=True, worker=True)
    finally:
        server.should_exit = True
        await serving


def _quiet_server(config: Any) -> Any:
    """A uvicorn server that leaves the signals to the service (its stop stops the emulator)."""
    import contextlib

    import uvicorn

    class Quiet(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Any:
            yield

    return Quiet(config)
