"""Shared by end-to-end and pull tests: a running TDS Core's worker pool and database, driven by a test."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from tds.bootstrap import Container
from tds.worker.pool import WorkerPool


@dataclass
class Running:
    """The container and worker pool of a TDS Core under test."""

    container: Container
    pool: WorkerPool

    async def drain(self) -> int:
        """Runs the worker until the queue has nothing ready; returns how many jobs it ran."""
        total = 0
        while (claimed := await self.pool.run_once()) > 0:
            total += claimed
        return total

    async def rows(self, sql: str, **params: object) -> list[dict[str, Any]]:
        async with self.container.engine.connect() as conn:
            return [dict(r) for r in (await conn.execute(text(sql), params)).mappings()]
