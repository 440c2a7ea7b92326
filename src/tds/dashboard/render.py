"""Rendering: the Jinja environment and its filters, flash messages, redirects after a POST."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from tds.dashboard.security import CSRF_FIELD, csrf_token
from tds.entities.catalog import ENTITY_NAMES

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"
templates = Jinja2Templates(
    env=Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True, undefined=StrictUndefined)
)


def when(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def ago(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return duration((datetime.now(UTC) - moment).total_seconds()) + " ago"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    seconds = max(0.0, seconds)
    for unit, size in (("d", 86_400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f} {unit}"
    return f"{seconds:.0f} s"


def number(value: float | int | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def first_line(text: str | None, width: int = 140) -> str:
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line if len(line) <= width else line[: width - 1] + "…"


templates.env.filters.update(when=when, ago=ago, duration=duration, number=number, first_line=first_line)
templates.env.globals.update(entity_names=ENTITY_NAMES, csrf_field=CSRF_FIELD)


def can_act(request: Request) -> bool:
    """Whether to show action buttons (the routes check the role again on every POST)."""
    return request.session.get("role") == "admin"


def flash(request: Request, message: str, level: str = "ok") -> None:
    """A message shown once, on the next page this session renders."""
    request.session.setdefault("flash", []).append([level, message])


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    messages = request.session.pop("flash", []) if "key" in request.session else []
    context.update(request=request, csrf=csrf_token(request), messages=messages, can_act=can_act(request))
    response: HTMLResponse = templates.TemplateResponse(request, template, context, status_code=status_code)
    return response


def fragment(request: Request, template: str, **context: Any) -> HTMLResponse:
    """A partial page for htmx to swap in (no flash messages are consumed)."""
    context.update(request=request, csrf=csrf_token(request), messages=[], can_act=can_act(request))
    response: HTMLResponse = templates.TemplateResponse(request, template, context)
    return response


def back_to(path: str, **query: object) -> RedirectResponse:
    """303 after a POST, so a reload does not send the form again."""
    params = {k: v for k, v in query.items() if v not in (None, "")}
    url = f"/dashboard{path}" + (f"?{urlencode(params)}" if params else "")
    return RedirectResponse(url, status_code=303)
