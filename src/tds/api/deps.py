"""FastAPI dependencies: the container, a per-request transaction, and the admin API key check."""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from tds.bootstrap import Container
from tds.errors import VerificationFailed


def get_container(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


async def get_session(container: Container = Depends(get_container)) -> AsyncIterator[AsyncSession]:
    """The request's unit of work: commits when the endpoint returns, rolls back when it raises.

    Use it as `Depends(get_session, scope="function")`: the default request scope would commit after
    the answer has gone out, so a client could be told 2xx for a write whose commit then failed.
    """
    async with container.sessions() as session, session.begin():
        yield session


def require_admin(request: Request, container: Container = Depends(get_container)) -> None:
    """Admin endpoints need one of the configured API keys in the configured header."""
    settings = container.settings.api
    given = request.headers.get(settings.admin_api_key_header, "")
    keys = [k.get_secret_value() for k in settings.admin_api_keys]
    ok = False
    for key in keys:
        ok |= bool(given) and hmac.compare_digest(given.encode(), key.encode())
    if not ok:
        raise VerificationFailed("missing or wrong admin API key", header=settings.admin_api_key_header)
