"""`tds emulator`: a local Zoho Books (OAuth, REST v3, rate limits, webhooks) for development and tests."""

from __future__ import annotations

from typing import Annotated

import typer

Opt = typer.Option


def emulator(
    host: Annotated[str, Opt(help="interface to listen on")] = "127.0.0.1",
    port: Annotated[int, Opt(help="port to listen on")] = 8090,
    seed: Annotated[int, Opt(help="seed of the generated organisation")] = 1,
    items: Annotated[int, Opt(help="items to generate")] = 2000,
    contacts: Annotated[int, Opt(help="contacts (customers and vendors) to generate")] = 600,
    invoices: Annotated[int, Opt(help="invoices to generate (other documents scale with it)")] = 1500,
    rate_limit: Annotated[int, Opt(help="API requests per minute per organisation; 0 = off")] = 100,
    webhook_url: Annotated[
        str | None, Opt(help="send webhooks here; '{entity}' in it makes one webhook per module")
    ] = None,
    webhook_secret: Annotated[str | None, Opt(help="sign webhooks (12-50 letters or digits)")] = None,
    mutate_every: Annotated[float, Opt(help="make random changes every N seconds; 0 = never")] = 0.0,
) -> None:
    """Run a local Zoho Books emulator and print the client settings that point at it."""
    import uvicorn

    from tds.emulator.app import create_app
    from tds.emulator.launch import client_env, startup_webhooks
    from tds.emulator.options import DatasetSizes, EmulatorOptions
    from tds.emulator.service import Emulator
    from tds.errors import TdsError

    sizes = DatasetSizes.from_counts(items=items, contacts=contacts, invoices=invoices)
    options = EmulatorOptions(
        seed=seed, sizes=sizes, per_minute_limit=rate_limit, mutate_interval_s=mutate_every
    )
    hooks = startup_webhooks(webhook_url, webhook_secret)
    try:
        for hook in hooks:
            hook.validate()
    except TdsError as exc:
        raise typer.BadParameter(exc.message) from exc
    for name, value in client_env(options, f"http://{host}:{port}").items():
        typer.echo(f"{name}={value}")
    typer.echo(f"# control API: http://{host}:{port}/__emulator__/docs", err=True)
    uvicorn.run(create_app(Emulator(options, webhooks=hooks)), host=host, port=port, log_level="warning")
