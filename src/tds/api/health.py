"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from sqlalchemy import text

from tds.api.deps import get_container
from tds.bootstrap import Container
from tds.db import migrate

router = APIRouter(tags=["health"])


@router.get("/health")
async def health() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@router.get("/ready")
async def ready(container: Container = Depends(get_container)) -> JSONResponse:
    """Readiness: the database answers and its schema is at the code's migration head."""
    checks: dict[str, str] = {}
    try:
        async with container.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
            checks["database"] = "ok"
            current = await migrate.current_revision(conn)
    except Exception as exc:  # any failure to reach the database means not ready
        checks["database"] = f"unreachable: {type(exc).__name__}"
        return JSONResponse({"status": "not ready", "checks": checks}, status_code=503)
    head = migrate.head_revision()
    checks["migrations"] = "ok" if current == head else f"at {current}, code expects {head}"
    ready_now = current == head
    return JSONResponse(
        {"status": "ready" if ready_now else "not ready", "checks": checks},
        status_code=200 if ready_now else 503,
    )
