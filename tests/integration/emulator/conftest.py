"""Fixtures that drive the emulator over HTTP: an ASGI client, a token, and real localhost servers."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections import deque
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

from tds.emulator.app import create_app
from tds.emulator.options import DatasetSizes, EmulatorOptions
from tds.emulator.service import Emulator

SIZES = DatasetSizes.from_counts(items=60, contacts=24, invoices=45)


class _QuietServer(uvicorn.Server):
    """uvicorn without signal handlers: the test owns shutdown."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@contextlib.asynccontextmanager
async def serve(app: ASGIApp) -> AsyncIterator[str]:
    """Serves `app` with uvicorn on a free localhost port; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = _QuietServer(uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes
    at: float


@dataclass
class Receiver:
    """A webhook endpoint that records every request and answers the planned statuses (else 200)."""

    requests: list[Received] = field(default_factory=list)
    statuses: deque[int] = field(default_factory=deque)
    delays_s: deque[float] = field(default_factory=deque)
    url: str = ""

    async def endpoint(self, request: Request) -> Response:
        query = list(request.query_params.multi_items())
        body = await request.body()
        arrived = Received(
            request.method, request.url.path, query, dict(request.headers), body, time.monotonic()
        )
        self.requests.append(arrived)
        if self.delays_s:
            await asyncio.sleep(self.delays_s.popleft())
        return Response(status_code=self.statuses.popleft() if self.statuses else 200)

    def events(self) -> list[Received]:
        """The deliveries of changes (everything but check calls)."""
        return [r for r in self.requests if r.body not in (b'{"payload":""}', b"payload=")]

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/{path:path}", self.endpoint, methods=["POST", "PUT", "DELETE"])])


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    emu = Emulator(EmulatorOptions(seed=3, sizes=SIZES))
    yield emu
    await emu.aclose()


@pytest.fixture
async def client(emulator: Emulator) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(emulator))
    async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as http:
        yield http


def grant_form(emulator: Emulator, **overrides: str) -> dict[str, str]:
    o = emulator.options
    form = {
        "grant_type": "refresh_token",
        "client_id": o.client_id,
        "client_secret": o.client_secret,
        "refresh_token": o.refresh_token,
    }
    return form | overrides


@pytest.fixture
async def token(client: httpx.AsyncClient, emulator: Emulator) -> str:
    reply = await client.post("/oauth/v2/token", data=grant_form(emulator))
    return str(reply.json()["access_token"])


@dataclass
class Books:
    """Calls `/books/v3` the way the sync client does: token header and organization_id."""

    http: httpx.AsyncClient
    token: str
    organization_id: str

    async def get(self, path: str, **params: Any) -> httpx.Response:
        query = {"organization_id": self.organization_id} | {k: str(v) for k, v in params.items()}
        headers = {"Authorization": f"Zoho-oauthtoken {self.token}"}
        return await self.http.get(f"/books/v3{path}", params=query, headers=headers)


@pytest.fixture
def books(client: httpx.AsyncClient, token: str, emulator: Emulator) -> Books:
    return Books(client, token, emulator.options.organization_id)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    hook = Receiver()
    async with serve(hook.app()) as url:
        hook.url = url
        yield hook
