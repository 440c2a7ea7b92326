"""Group commit for webhook intake: concurrent deliveries share one statement and one transaction.

Each delivery's inbox and queue rows still commit together, and its answer waits for that commit;
what is shared is the round trip and the commit (the fsync), which bound intake on a small
machine. There is no timer: a flush starts on the next loop iteration while fewer than `max_flushes`
run, and deliveries that arrive meanwhile wait for the next free slot, which takes all of them.
A lone delivery is therefore not delayed, and batches grow only under load.

The batcher owns the transaction of each flush (it is the webhook entrypoint's unit of work).
A flush that fails fails every delivery in it; nothing of that flush is written.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tds.db.engine import run_transaction
from tds.inbox.records import AcceptResult, IncomingRecord
from tds.inbox.service import InboxService, PreparedRecord

_Waiter = tuple[PreparedRecord, "asyncio.Future[AcceptResult]"]
MAX_FLUSH_ATTEMPTS = 3

log = logging.getLogger(__name__)


class InboxBatcher:
    """Accepts records for concurrent callers, coalescing them into shared transactions."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        inbox: InboxService,
        *,
        max_flushes: int = 2,
        max_batch: int = 500,
    ) -> None:
        self._sessions = sessions
        self._inbox = inbox
        self._max_flushes = max_flushes
        self._max_batch = max_batch
        self._pending: list[_Waiter] = []
        self._running = 0
        self._starting = False
        self._tasks: set[asyncio.Task[None]] = set()
        self.flushes = 0  # committed or failed flushes, for metrics and tests

    async def accept(self, record: IncomingRecord) -> AcceptResult:
        """Stores the record (as InboxService.accept) once its shared transaction has committed.

        Raises InvalidPayload for this record alone, before it joins a batch.
        """
        prepared = self._inbox.prepare(record)
        future: asyncio.Future[AcceptResult] = asyncio.get_running_loop().create_future()
        self._pending.append((prepared, future))
        self._start_flushes()
        return await future

    def _start_flushes(self) -> None:
        # At most one flush waits to start: it claims everything pending when it first runs, so
        # deliveries arriving in the same loop iteration share it.
        if self._pending and not self._starting and self._running < self._max_flushes:
            self._starting = True
            self._running += 1
            task = asyncio.create_task(self._flush())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _flush(self) -> None:
        self._starting = False
        batch = self._pending[: self._max_batch]
        del self._pending[: self._max_batch]
        self._start_flushes()  # a further slot for what did not fit in this batch
        try:
            results = await self._store([prepared for prepared, _ in batch]) if batch else []
        except BaseException as exc:
            _fail(batch, exc)
            if isinstance(exc, asyncio.CancelledError):
                raise
        else:
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)
        finally:
            self.flushes += 1
            self._running -= 1
            self._start_flushes()

    async def _store(self, batch: list[PreparedRecord]) -> list[AcceptResult]:
        """One transaction for the batch, run again when PostgreSQL aborted it to break a deadlock.

        Two transactions inserting the same idempotency keys in opposite orders (a webhook batch
        and a pulled page) wait on each other; PostgreSQL aborts one. Arrival order is kept in
        the statement (it orders the queue), so the abort is retried here instead of prevented.
        """

        async def store(session: AsyncSession) -> list[AcceptResult]:
            return await self._inbox.accept_prepared(session, batch)

        return await run_transaction(self._sessions, store, attempts=MAX_FLUSH_ATTEMPTS)


def _fail(batch: list[_Waiter], exc: BaseException) -> None:
    for _, future in batch:
        if future.done():
            continue
        if isinstance(exc, asyncio.CancelledError):
            future.cancel()
        else:
            future.set_exception(exc)
