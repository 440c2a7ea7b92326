"""The FastAPI application: routers, the one error handler, and the container on app.state."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from tds import __version__
from tds.api import (
    admin_alerts,
    admin_queue,
    admin_reconcile,
    admin_sync,
    health,
    metrics,
    operations,
    webhooks,
)
from tds.api.unavailable import install_unavailable_handler, unavailable_response
from tds.bootstrap import Container
from tds.dashboard.app import MOUNT_PATH, create_dashboard
from tds.errors import DatabaseUnavailable, TdsError

log = logging.getLogger(__name__)


def create_app(container: Container) -> FastAPI:
    app = FastAPI(title="TDS Core", version=__version__, docs_url="/docs", openapi_url="/openapi.json")
    app.state.container = container
    app.include_router(health.router)
    app.include_router(webhooks.router)
    app.include_router(webhooks.legacy_router)
    app.include_router(admin_sync.router)
    app.include_router(admin_queue.router)
    app.include_router(admin_alerts.router)
    app.include_router(operations.router)
    app.include_router(metrics.router)
    metrics.install_intake_metrics(app)
    app.mount(MOUNT_PATH, create_dashboard(container))
    app.include_router(admin_reconcile.router)
    _install_error_handlers(app)
    install_unavailable_handler(app, container.settings.api.retry_after_s)
    return app


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(TdsError)
    async def _tds_error(request: Request, exc: TdsError) -> JSONResponse:
        if isinstance(exc, DatabaseUnavailable):
            return unavailable_response(exc)
        if exc.status_code >= 500:
            log.error("request failed: %s", exc.message)
        body: dict[str, object] = {"error": type(exc).__name__, "detail": exc.message}
        body.update({k: v for k, v in exc.context.items() if isinstance(v, str | int | float | bool)})
        return JSONResponse(body, status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"error": "InvalidRequest", "detail": exc.errors()}, status_code=422)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"error": "InternalError", "detail": "internal error"}, status_code=500)
