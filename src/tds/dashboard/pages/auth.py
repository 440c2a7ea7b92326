"""Login with an admin API key, and logout."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from tds.api.deps import get_container
from tds.bootstrap import Container
from tds.dashboard.render import render
from tds.dashboard.security import matching_key, open_session, require_csrf

router = APIRouter()


def _safe_next(target: str | None) -> str:
    """Only a dashboard path (never another site) to go to after login."""
    if target and target.startswith("/dashboard") and "//" not in target and "\\" not in target:
        return target
    return "/dashboard/"


@router.get("/login", response_class=HTMLResponse)
async def login_page(
    request: Request, next: str | None = None, container: Container = Depends(get_container)
) -> HTMLResponse:
    no_keys = not container.settings.api.admin_api_keys
    return render(request, "login.html", next=_safe_next(next), no_keys=no_keys, error=None)


@router.post("/login", dependencies=[Depends(require_csrf)], response_model=None)
async def login(
    request: Request,
    api_key: str = Form(""),
    name: str = Form(""),
    next: str = Form("/dashboard/"),
    container: Container = Depends(get_container),
) -> HTMLResponse | RedirectResponse:
    found = matching_key(container.settings, api_key.strip())
    if found is None:
        no_keys = not container.settings.api.admin_api_keys
        error = "That is not an API key of this installation."
        return render(request, "login.html", 401, next=_safe_next(next), no_keys=no_keys, error=error)
    open_session(request, *found, name=name)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", dependencies=[Depends(require_csrf)])
async def logout(request: Request) -> RedirectResponse:
    request.session.clear()
    return RedirectResponse("/dashboard/login", status_code=303)
