"""The one composition root: builds the engine, services, handlers and loops from Settings."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tds.config import Settings
from tds.db import migrate
from tds.db.availability import wait_for_database
from tds.db.embedded import start_embedded
from tds.db.engine import create_engine, create_sessionmaker

if TYPE_CHECKING:
    from tds.alerts.factory import MonitorComponents
    from tds.pull.factory import PullComponents

log = logging.getLogger(__name__)


@dataclass
class Container:
    """Everything an entrypoint needs, built once per process."""

    settings: Settings
    database_url: str
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    embedded_server: Any = None
    extras: dict[str, Any] = field(default_factory=dict)

    def pull(self) -> PullComponents:
        """The process's Zoho client, pull service and scheduler, built on first use (one of each)."""
        components: PullComponents | None = self.extras.get("pull")
        if components is None:
            from tds.pull.factory import build_pull  # only processes that pull import the pull stack

            components = build_pull(self.settings, self.engine, self.sessions)
            self.extras["pull"] = components
        return components

    def monitor(self) -> MonitorComponents:
        """The process's monitor loop and notification dispatcher, built on first use."""
        components: MonitorComponents | None = self.extras.get("monitor")
        if components is None:
            from tds.alerts.factory import build_monitor

            components = build_monitor(self.settings, self.engine, self.sessions)
            self.extras["monitor"] = components
        return components

    async def aclose(self) -> None:
        """Closes what was built on demand, newest first (work using the pull client before it)."""
        for extra in reversed(list(self.extras.values())):
            closer = getattr(extra, "aclose", None)
            if closer is not None:
                await closer()
        await self.engine.dispose()


def resolve_database_url(settings: Settings) -> tuple[str, Any]:
    """The configured URL, or an embedded server's (started on demand) with its handle."""
    if settings.db.url is not None:
        return settings.db.url.get_secret_value(), None
    url, server = start_embedded(settings.db.data_dir)
    log.info("no TDS_DB__URL set: using embedded PostgreSQL in %s", settings.db.data_dir)
    return url, server


async def build_container(
    settings: Settings, *, database_url: str | None = None, migrate_now: bool | None = None
) -> Container:
    """Builds the process's container; applies migrations when configured (or asked) to."""
    server = None
    if database_url is None:
        url, server = await asyncio.to_thread(resolve_database_url, settings)
    else:
        url = database_url
    for warning in settings.startup_warnings:
        log.warning(warning)
    # Processes and commands wait out a restarting database; callers that pass a URL (tests) do not.
    if database_url is None:
        await wait_for_database(url, settings.db.startup_wait_s)
    if settings.db.migrate_on_start if migrate_now is None else migrate_now:
        await asyncio.to_thread(migrate.upgrade_installation, url, settings)
    engine = create_engine(url, settings.db)
    return Container(
        settings=settings,
        database_url=url,
        engine=engine,
        sessions=create_sessionmaker(engine),
        embedded_server=server,
    )
