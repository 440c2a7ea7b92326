"""What every command starts from: Settings loaded from the environment, logging configured, and
one container (no migration) around the command's one piece of work."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from tds.config import Settings, load_settings
from tds.logging import configure_logging

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from tds.bootstrap import Container

T = TypeVar("T")


def load_cli_settings() -> Settings:
    """Settings from the environment, with logging configured; every command starts here."""
    settings = load_settings()
    configure_logging(settings.log_level, settings.log_json)
    return settings


async def in_container(settings: Settings, work: Callable[[Container], Awaitable[T]]) -> T:
    """Runs `work` with a container of its own (migrations are `tds migrate`'s), closed afterwards."""
    from tds.bootstrap import build_container

    container = await build_container(settings, migrate_now=False)
    try:
        return await work(container)
    finally:
        await container.aclose()


async def in_transaction(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Runs `work` in one transaction (committed when it returns) of a container of its own."""
    from tds.db.engine import transaction

    async def transacted(container: Container) -> T:
        async with transaction(container.sessions) as session:
            return await work(session)

    return await in_container(settings, transacted)
