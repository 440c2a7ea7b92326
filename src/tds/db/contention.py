"""Tells "the database was busy" (a lock or statement timeout, a deadlock) apart from a record's own faults.

TDS Core is a guest in the ERP's database: its sessions wait at most `db.lock_timeout_ms` for a lock
the ERP's application holds, and run a statement at most `db.statement_timeout_ms`. Past either,
PostgreSQL cancels the statement. Like a deadlock or a serialization conflict, that says nothing about
the record: the same transaction may well succeed later. The worker reschedules such a job (the error
class it records, DatabaseBusy, is one the healer treats as transient) and the API answers 503.
"""

from __future__ import annotations

from tds.db.availability import error_chain
from tds.errors import DatabaseBusy

# lock_not_available (lock_timeout, NOWAIT), query_canceled (statement_timeout, a DBA's cancel),
# deadlock_detected and serialization_failure; see PostgreSQL's error-codes appendix.
BUSY_SQLSTATES = frozenset({"55P03", "57014", "40P01", "40001"})


def _busy_error(exc: BaseException) -> BaseException | None:
    """The innermost error of `exc`'s chain with a busy SQLSTATE (the driver's own, whose message is
    PostgreSQL's), or None."""
    found = None
    for error in error_chain(exc):
        if getattr(error, "sqlstate", None) in BUSY_SQLSTATES:
            found = error
    return found


def is_busy(exc: BaseException) -> bool:
    """True when `exc`, or an error it wraps, means the database was busy (see BUSY_SQLSTATES)."""
    return isinstance(exc, DatabaseBusy) or _busy_error(exc) is not None


def as_busy(exc: BaseException, retry_after_s: int = 5) -> DatabaseBusy | None:
    """The DatabaseBusy that `exc` stands for (caused by it, with its traceback), or None."""
    if isinstance(exc, DatabaseBusy):
        return exc
    error = _busy_error(exc)
    if error is None:
        return None
    sqlstate = str(getattr(error, "sqlstate", ""))
    detail = (str(error).strip().splitlines() or [type(error).__name__])[0]
    busy = DatabaseBusy(f"{detail} (SQLSTATE {sqlstate})", retry_after_s=retry_after_s, sqlstate=sqlstate)
    busy.__cause__ = exc
    return busy.with_traceback(exc.__traceback__)
