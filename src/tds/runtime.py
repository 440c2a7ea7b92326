"""Runs the long-lived parts of a process (API server, worker pool) until SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
import sys
from collections.abc import Coroutine, Iterator
from typing import Any

import uvicorn

from tds.api.app import create_app
from tds.bootstrap import Container, build_container
from tds.config import Settings, service_notify_socket, service_watchdog_interval_s
from tds.errors import ConfigurationError, TdsError
from tds.notify import Readiness, ServiceNotifier, keep_watchdog_fed

log = logging.getLogger(__name__)


def run_service(main: Coroutine[Any, Any, int]) -> int:
    """Runs a long-lived process's main coroutine on uvloop (as uvicorn itself would), else asyncio."""
    try:
        import uvloop
    except ImportError:  # uvloop is optional (no Windows build); the stdlib loop works, slower
        return asyncio.run(main)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(main)


async def run_process(settings: Settings, *, api: bool, worker: bool) -> int:
    """Runs until SIGTERM/SIGINT; returns 0, or 1 when a part (API, worker, scheduler, monitor) failed."""
    try:
        container = await build_container(settings)
    except TdsError as exc:  # a start that cannot be (no database, say): why, in one line
        print(f"cannot start: {exc.message}", file=sys.stderr)
        return 2
    if container.embedded_server is not None:
        print(f"embedded PostgreSQL data directory: {settings.db.data_dir}", file=sys.stderr)
    if not await _erp_profile_ok(container):
        await container.aclose()
        return 1
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    notifier = ServiceNotifier(service_notify_socket())
    readiness = Readiness(["api"] * api + ["worker"] * worker, notifier)
    parts = []
    watchdog_s = service_watchdog_interval_s()
    if watchdog_s is not None and notifier.enabled:
        parts.append(keep_watchdog_fed(notifier, watchdog_s, stop))
    if api:
        parts.append(_serve_api(container, stop, readiness))
    if worker:
        parts += [_run_worker(container, stop, readiness), _run_pull_scheduler(container, stop)]
        parts.append(_run_followups(container, stop))
        parts.append(_run_monitor(container, stop))
        parts.append(_run_reconcile_scheduler(container, stop))
    try:
        results = await asyncio.gather(*(_guard(part, stop) for part in parts))
    finally:
        readiness.stopping()
        await container.aclose()
    return 0 if all(results) else 1


async def _erp_profile_ok(container: Container) -> bool:
    """The ERP profile checked against the database (`tds erp check`); a broken one stops the start."""
    from tds.db.engine import transaction
    from tds.entities.check import check_erp

    async with transaction(container.sessions) as session:
        result = await check_erp(session, container.settings.erp)
    if not result.ok:
        log.error("refusing to start: the ERP profile does not fit the database")
        print(result.text, file=sys.stderr)
    for warning in result.warnings:
        log.warning("ERP profile: %s: %s (fix: %s)", warning.where, warning.message, warning.fix)
    for note in result.notes:
        log.info("ERP profile: %s", note)
    return result.ok


async def _guard(part: Coroutine[Any, Any, None], stop: asyncio.Event) -> bool:
    """Runs one part of the process; if it fails, the whole process stops (never half-running)."""
    try:
        await part
    except Exception:
        log.exception("%s failed; stopping the process", getattr(part, "__qualname__", part))
        stop.set()
        return False
    return True


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: this process's stop event rules shutdown."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def _serve_api(container: Container, stop: asyncio.Event, readiness: Readiness) -> None:
    cfg = uvicorn.Config(
        create_app(container),
        host=container.settings.api.host,
        port=container.settings.api.port,
        log_level="warning",
        access_log=False,
        # X-Forwarded-For/-Proto are believed only from the configured reverse proxies (none by default).
        proxy_headers=bool(container.settings.api.trusted_proxies),
        forwarded_allow_ips=",".join(container.settings.api.trusted_proxies) or None,
    )
    listening = _listen(cfg.host, cfg.port)
    server = _Server(cfg)
    serving = asyncio.create_task(server.serve(sockets=[listening]))
    await _wait_started(server, serving, stop)
    if server.started:
        log.info("API listening on http://%s:%s", cfg.host, cfg.port)
        readiness.part_ready("api")
    await stop.wait()
    server.should_exit = True
    await serving


def _listen(host: str, port: int) -> socket.socket:
    """Binds the API's socket here, so a port in use is a clear error (exit 1), not uvicorn's exit."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family, backlog=2048)
    except OSError as exc:
        raise ConfigurationError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc


async def _wait_started(server: uvicorn.Server, serving: asyncio.Task[None], stop: asyncio.Event) -> None:
    """Returns once the socket is bound (or serving ended, or the process is stopping)."""
    while not (server.started or serving.done() or stop.is_set()):
        await asyncio.sleep(0.05)
    if serving.done() and not server.started:
        stop.set()  # uvicorn could not bind; it has logged why
        await serving


async def _run_pull_scheduler(container: Container, stop: asyncio.Event) -> None:
    """Incremental pull every `pull.interval_s` to heal missed webhooks (only with Zoho configured)."""
    from tds.pull.factory import zoho_configured

    settings = container.settings
    if not (settings.pull.scheduler_enabled and zoho_configured(settings)):
        log.info("incremental pull scheduler off (Zoho not configured or disabled)")
        return
    await container.pull().scheduler.run(stop)


async def _run_followups(container: Container, stop: asyncio.Event) -> None:
    """The worker's own Zoho calls (stock refreshes), from the pull's budget (only with Zoho configured)."""
    from tds.followups.factory import build_followups, followups_enabled

    settings = container.settings
    if not followups_enabled(settings):
        log.info("follow-up loop off (Zoho not configured or TDS_FOLLOWUPS__ENABLED=false)")
        return
    await build_followups(settings, container.sessions, container.pull().client).run(stop)


async def _run_monitor(container: Container, stop: asyncio.Event) -> None:
    """Alert rules, notifications, metrics snapshots and the healer (one active process, by lock)."""
    if not container.settings.monitor.enabled:
        log.info("monitor loop off (TDS_MONITOR__ENABLED=false)")
        return
    await container.monitor().monitor.run(stop)


async def _run_reconcile_scheduler(container: Container, stop: asyncio.Event) -> None:
    """The daily reconciliation (only when enabled and Zoho is configured)."""
    from tds.pull.factory import zoho_configured
    from tds.reconcile.factory import build_reconcile_scheduler

    settings = container.settings
    if not (settings.reconcile.scheduler_enabled and zoho_configured(settings)):
        log.info("daily reconciliation off (Zoho not configured or reconcile.scheduler_enabled false)")
        return
    client = container.pull().client
    await build_reconcile_scheduler(settings, container.engine, container.sessions, client).run(stop)


async def _run_worker(container: Container, stop: asyncio.Event, readiness: Readiness) -> None:
    """The worker pool over every entity handler, until the process stops."""
    from tds.entities.target import build_handlers
    from tds.followups.factory import with_followups
    from tds.worker.pool import WorkerPool

    handlers = with_followups(container.settings, build_handlers(container.settings.erp))
    pool = WorkerPool(container.sessions, container.database_url, handlers, container.settings.worker)
    readiness.part_ready("worker")
    await pool.run(stop)
