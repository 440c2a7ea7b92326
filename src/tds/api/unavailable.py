"""The API's edge for a database that is away or busy: 503 with Retry-After, not a 500 (Zoho may retry)."""

from __future__ import annotations

import logging

from asyncpg import InterfaceError, PostgresError
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from tds.db.availability import as_unavailable
from tds.db.contention import as_busy
from tds.errors import DatabaseBusy, DatabaseUnavailable

log = logging.getLogger(__name__)

# The errors a request can meet when PostgreSQL restarts, crashes or cannot be reached.
DRIVER_ERRORS: tuple[type[Exception], ...] = (DBAPIError, PoolTimeout, OSError, PostgresError, InterfaceError)


def install_unavailable_handler(app: FastAPI, retry_after_s: int) -> None:
    """Maps driver and connection errors, once, onto DatabaseUnavailable (or DatabaseBusy: a lock or
    statement timeout); anything else stays a 500."""

    async def _driver_error(request: Request, exc: Exception) -> JSONResponse:
        unavailable = as_unavailable(exc, retry_after_s) or as_busy(exc, retry_after_s)
        if unavailable is None:
            log.error("database error on %s %s", request.method, request.url.path, exc_info=exc)
            return JSONResponse({"error": "InternalError", "detail": "internal error"}, status_code=500)
        state = "busy" if isinstance(unavailable, DatabaseBusy) else "unavailable"
        log.warning(
            "database %s on %s %s (%s); answering 503",
            *(
                state,
                request.method,
                request.url.path,
                unavailable.context.get("cause") or unavailable.message,
            ),
        )
        return unavailable_response(unavailable)

    for error in DRIVER_ERRORS:
        app.add_exception_handler(error, _driver_error)


def unavailable_response(exc: DatabaseUnavailable | DatabaseBusy) -> JSONResponse:
    body = {"error": type(exc).__name__, "detail": exc.message, "retry_after_s": exc.retry_after_s}
    return JSONResponse(body, status_code=exc.status_code, headers={"Retry-After": str(exc.retry_after_s)})
