"""Builds the monitor and its notification dispatcher (with one HTTP client for the HTTP channels)."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tds.alerts.dispatch import Dispatcher
from tds.alerts.monitor import Monitor
from tds.alerts.notifiers.factory import build_dispatcher, http_client
from tds.config import Settings


@dataclass
class MonitorComponents:
    monitor: Monitor
    dispatcher: Dispatcher
    http: httpx.AsyncClient

    async def aclose(self) -> None:
        await self.dispatcher.drain(timeout_s=5.0)
        await self.http.aclose()


def build_monitor(
    settings: Settings, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> MonitorComponents:
    http = http_client(settings.alerts)
    dispatcher = build_dispatcher(settings.alerts, http)
    return MonitorComponents(Monitor(engine, sessions, settings, dispatcher), dispatcher, http)
