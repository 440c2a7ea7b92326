"""The emulator's HTTP face: Zoho Accounts' token endpoint, Books v3 and the control API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from tds.emulator import control
from tds.emulator.service import Emulator
from tds.errors import TdsError

API_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def create_app(emulator: Emulator | None = None) -> FastAPI:
    """An ASGI app around `emulator` (a default one when None); its lifespan starts and stops it.

    Tests that drive the app through `httpx.ASGITransport` (which runs no lifespan) call
    `await emulator.aclose()` themselves.
    """
    emu = emulator or Emulator()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await emu.start()
        try:
            yield
        finally:
            await emu.aclose()

    app = FastAPI(
        title="Zoho Books emulator",
        lifespan=lifespan,
        docs_url="/__emulator__/docs",
        openapi_url="/__emulator__/openapi.json",
    )
    app.state.emulator = emu

    async def token(request: Request) -> Response:
        return await emu.gateway.token(request)

    async def books(request: Request, path: str) -> Response:
        return await emu.gateway.api(request, path)

    app.add_api_route("/oauth/v2/token", token, methods=["POST"], include_in_schema=False)
    app.add_api_route("/books/v3/{path:path}", books, methods=API_METHODS, include_in_schema=False)
    app.include_router(control.router)

    @app.exception_handler(TdsError)
    async def _tds_error(request: Request, exc: TdsError) -> JSONResponse:
        body: dict[str, object] = {"error": type(exc).__name__, "detail": exc.message}
        return JSONResponse(body, status_code=exc.status_code)

    return app
