"""The dead-letter retry policy and the healer's report (stuck leases are swept by the worker pool)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tds.config_operations import HealerSettings
from tds.healer.repository import DLQ_RETRIED, ActionTotal, HealerRepository
from tds.queue.service import QueueService

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HealerReport:
    """What the healer did (per action, overall and recently) and what waits in the dead-letter queue."""

    dlq_retry_enabled: bool
    actions: list[ActionTotal]
    dead_letters: dict[str, int]
    recent: list[dict[str, Any]] = field(default_factory=list)


class HealerService:
    """Runs the retry policy inside the caller's transaction (the caller commits)."""

    def __init__(self, session: AsyncSession, settings: HealerSettings, max_attempts: int) -> None:
        self.settings = settings
        self.repo = HealerRepository(session)
        self.queue = QueueService(session, max_attempts)

    async def retry_transient_dead_letters(self) -> int:
        """Replays old dead letters of transient error classes, at most `dlq_max_retries` times per event.

        A permanent error (any class not listed as transient) is never retried, so nothing loops.
        """
        if not self.settings.dlq_retry_enabled:
            return 0
        candidates = await self.repo.retry_candidates(
            classes=self.settings.transient_errors,
            after_s=self.settings.dlq_retry_after_s,
            max_retries=self.settings.dlq_max_retries,
            limit=self.settings.dlq_batch_size,
        )
        retried = 0
        for letter in candidates:
            result = await self.queue.replay_dead_letter(letter.dead_letter_id)
            if result.enqueued:
                retried += 1
                await self.repo.record(
                    DLQ_RETRIED,
                    dead_letter_id=letter.dead_letter_id,
                    inbox_event_id=letter.inbox_event_id,
                    details={"error": letter.error[:500]},
                )
        if retried:
            log.warning("healer retried %d dead letters with transient errors", retried)
        return retried

    async def report(self, window_s: float, recent: int = 20) -> HealerReport:
        outlook = await self.repo.dlq_outlook(
            classes=self.settings.transient_errors, max_retries=self.settings.dlq_max_retries
        )
        return HealerReport(
            dlq_retry_enabled=self.settings.dlq_retry_enabled,
            actions=await self.repo.totals(window_s),
            dead_letters=outlook,
            recent=await self.repo.recent(recent),
        )
