"""The overview's metric series from tds.tds_metrics: bucketed, combined over labels, ordered, bounded."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tds.insights.overview import OverviewInsights, OverviewOptions
from tests.queue_factories import execute

OPTIONS = OverviewOptions(
    heartbeat_interval_s=10, zoho_configured=False, scheduler_enabled=False, daily_budget=1
)

# Two entities' pull lag and queue depth, five minutes ago; an old sample outside an hour's window.
SAMPLES = """
INSERT INTO tds.tds_metrics (name, value, labels, sampled_at) VALUES
  ('sync_lag_s', 30, '{"entity": "item"}', now() - interval '5 minutes'),
  ('sync_lag_s', 90, '{"entity": "invoice"}', now() - interval '5 minutes'),
  ('queue_pending', 4, '{"entity": "item"}', now() - interval '5 minutes'),
  ('queue_pending', 6, '{"entity": "invoice"}', now() - interval '5 minutes'),
  ('attempts_succeeded', 120, '{}', now() - interval '5 minutes'),
  ('attempts_succeeded', 999, '{}', now() - interval '3 hours')
"""


async def test_series_sum_gauges_and_take_the_worst_duration(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Depth per entity adds up; lag per entity shows its maximum; throughput comes first."""
    await execute(sessions, SAMPLES)
    async with sessions() as session:
        charts = await OverviewInsights(session, OPTIONS).charts("1h")
    assert [c.name for c in charts] == ["attempts_succeeded", "queue_pending", "sync_lag_s"]
    values = {c.name: [v for _, v in c.points] for c in charts}
    assert values == {"attempts_succeeded": [120.0], "queue_pending": [10.0], "sync_lag_s": [90.0]}


async def test_a_longer_window_reaches_older_samples(sessions: async_sessionmaker[AsyncSession]) -> None:
    """The 24 h window holds both throughput samples, in time order, in separate buckets."""
    await execute(sessions, SAMPLES)
    async with sessions() as session:
        charts = await OverviewInsights(session, OPTIONS).charts("24h")
    throughput = next(c for c in charts if c.name == "attempts_succeeded")
    assert [v for _, v in throughput.points] == [999.0, 120.0]


async def test_no_samples_no_series(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        assert await OverviewInsights(session, OPTIONS).charts("7d") == []
