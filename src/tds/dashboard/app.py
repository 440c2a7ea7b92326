"""The dashboard application, mounted at /dashboard: session cookie, static files, pages, HTML errors."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware

from tds.bootstrap import Container
from tds.dashboard.pages import alerts, auth, dead_letters, overview, queue, reconcile, records, runs
from tds.dashboard.render import STATIC_DIR, render
from tds.dashboard.security import SESSION_COOKIE, NotLoggedIn, session_secret
from tds.errors import TdsError

log = logging.getLogger(__name__)
MOUNT_PATH = "/dashboard"


def create_dashboard(container: Container) -> FastAPI:
    """The dashboard as an application of its own, to mount at MOUNT_PATH."""
    settings = container.settings.dashboard
    app = FastAPI(title="TDS Core dashboard", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.container = container
    app.add_middleware(
        SessionMiddleware,
        secret_key=session_secret(container.settings),
        session_cookie=SESSION_COOKIE,
        max_age=settings.session_max_age_s,
        path=MOUNT_PATH,
        same_site="strict",
        https_only=settings.secure_cookie,
    )
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module in (auth, overview, queue, dead_letters, records, runs, reconcile, alerts):
        app.include_router(module.router)
    _install_error_pages(app)
    return app


def _install_error_pages(app: FastAPI) -> None:
    @app.exception_handler(NotLoggedIn)
    async def _login_first(request: Request, exc: NotLoggedIn) -> Response:
        if request.method == "GET" and "hx-request" not in request.headers:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"{MOUNT_PATH}/login?{urlencode({'next': target})}", status_code=303)
        page = _error(request, exc.status_code, exc.message)
        page.headers["HX-Redirect"] = f"{MOUNT_PATH}/login"
        return page

    @app.exception_handler(TdsError)
    async def _tds_error(request: Request, exc: TdsError) -> HTMLResponse:
        return _error(request, exc.status_code, exc.message)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> HTMLResponse:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'][1:]))}: {e['msg']}" for e in exc.errors())
        return _error(request, 400, f"invalid request ({problems})")

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> HTMLResponse:
        return _error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> HTMLResponse:
        log.exception("dashboard error on %s %s", request.method, request.url.path)
        return _error(request, 500, "internal error (see the service log)")


def _error(request: Request, status_code: int, message: str) -> HTMLResponse:
    return render(request, "error.html", status_code=status_code, status=status_code, message=message)
