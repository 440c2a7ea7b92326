"""One error tree for TDS Core.

    TdsError
    ├── ConfigurationError
    ├── WebhookError                 (maps to a 4xx answer)
    │   ├── VerificationFailed       401
    │   ├── PayloadTooLarge          413
    │   ├── UnsupportedContentType   415
    │   ├── UnknownEntity            404
    │   └── InvalidPayload           400
    │       └── RecordIdMissing      422
    ├── NotFound                     404
    ├── HandlerError
    │   ├── RetryLater               a handler asks to be rescheduled
    │   └── PermanentHandlerError    no retry can help; straight to the dead-letter queue
    ├── CircuitOpen                  a breaker refuses the call
    ├── DatabaseUnavailable          503 with Retry-After: PostgreSQL is away (restarting, unreachable)
    ├── DatabaseBusy                 503 with Retry-After: a lock or statement timeout, a deadlock
    ├── BackupError                  a backup or restore could not be made or checked
    ├── UninstallError               `tds uninstall` refused (something outside depends on the schema)
    └── ZohoError
        ├── ZohoAuthError
        ├── ZohoRateLimited
        ├── ZohoNotFound
        └── ZohoServerError

Subclasses use their docstring as the default message and carry context as attributes.
"""

from __future__ import annotations

from typing import ClassVar


class TdsError(Exception):
    """TDS Core failed."""

    status_code: ClassVar[int] = 500

    def __init__(self, message: str | None = None, **context: object) -> None:
        self.message = message or (self.__doc__ or "").strip().splitlines()[0]
        self.context = context
        super().__init__(self.message)


class ConfigurationError(TdsError):
    """The configuration is invalid."""


class WebhookError(TdsError):
    """The webhook request was rejected."""

    status_code = 400


class VerificationFailed(WebhookError):
    """Webhook verification failed."""

    status_code = 401


class PayloadTooLarge(WebhookError):
    """The request body is larger than the configured limit."""

    status_code = 413


class UnsupportedContentType(WebhookError):
    """The content type is not JSON or form-encoded."""

    status_code = 415


class UnknownEntity(WebhookError):
    """The entity is not one TDS Core knows."""

    status_code = 404


class InvalidPayload(WebhookError):
    """The body is not a usable Zoho record."""

    status_code = 400


class RecordIdMissing(InvalidPayload):
    """The record has no usable id."""

    status_code = 422


class NotFound(TdsError):
    """The requested object does not exist."""

    status_code = 404


class HandlerError(TdsError):
    """An entity handler failed."""


class RetryLater(HandlerError):
    """The handler asks to run again later."""

    def __init__(self, message: str | None = None, *, delay_s: float | None = None, **context: object):
        super().__init__(message, **context)
        self.delay_s = delay_s


class PermanentHandlerError(HandlerError):
    """The event can never be applied as it is."""


class CircuitOpen(TdsError):
    """The circuit breaker is open; the call was not made."""

    def __init__(self, message: str | None = None, *, retry_in_s: float = 0.0, **context: object):
        super().__init__(message, **context)
        self.retry_in_s = retry_in_s


class DatabaseUnavailable(TdsError):
    """The database is unavailable; try again shortly."""

    status_code = 503

    def __init__(self, message: str | None = None, *, retry_after_s: int = 5, **context: object):
        super().__init__(message, **context)
        self.retry_after_s = retry_after_s


class DatabaseBusy(TdsError):
    """The database was busy (a lock or statement timeout, a deadlock); try again later."""

    status_code = 503

    def __init__(self, message: str | None = None, *, retry_after_s: int = 5, **context: object):
        super().__init__(message, **context)
        self.retry_after_s = retry_after_s


class BackupError(TdsError):
    """The backup or restore failed."""


class UninstallError(TdsError):
    """TDS Core's schema cannot be removed as asked."""


class ZohoError(TdsError):
    """The Zoho Books API answered with an error."""

    status_code = 502

    def __init__(
        self,
        message: str | None = None,
        *,
        code: int | None = None,
        http_status: int | None = None,
        **context: object,
    ) -> None:
        super().__init__(message, **context)
        self.code = code
        self.http_status = http_status


class ZohoAuthError(ZohoError):
    """Zoho refused the credentials."""


class ZohoRateLimited(ZohoError):
    """Zoho's rate limit was hit."""

    def __init__(self, message: str | None = None, *, retry_after_s: float | None = None, **context: object):
        super().__init__(message, **context)  # type: ignore[arg-type]
        self.retry_after_s = retry_after_s


class ZohoNotFound(ZohoError):
    """The record does not exist in Zoho Books."""

    status_code = 404


class ZohoServerError(ZohoError):
    """Zoho Books failed on its side."""
