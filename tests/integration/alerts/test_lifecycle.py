"""The alert lifecycle through the service: list, acknowledge, resolve, and the one-active-alert index."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tds.alerts.service import AlertService, InvalidAlertRequest, InvalidAlertTransition
from tds.errors import NotFound
from tds.insights.alerts import AlertInsights
from tests.integration.alerts.factories import make_alert

Sessions = async_sessionmaker[AsyncSession]


async def test_list_defaults_to_active_alerts_newest_first(sessions: Sessions) -> None:
    """Without a status the list shows open and acknowledged alerts, newest first, not resolved ones."""
    old = await make_alert(sessions, rule="dead_letters", age_s=120)
    new = await make_alert(sessions, rule="queue_backlog", status="acknowledged")
    await make_alert(sessions, rule="sync_lag", status="resolved")
    async with sessions() as session:
        alerts = await AlertService(session).list()
        resolved = await AlertService(session).list(statuses=["resolved"])
    assert [a.id for a in alerts] == [new, old]
    assert [a.rule for a in resolved] == ["sync_lag"]


async def test_acknowledge_then_resolve_records_who_and_when(sessions: Sessions) -> None:
    """ack moves open to acknowledged, resolve to resolved; both keep who did it."""
    alert_id = await make_alert(sessions)
    async with sessions() as session, session.begin():
        acked = await AlertService(session).acknowledge(alert_id, "ana")
    assert (acked.status, acked.acknowledged_by) == ("acknowledged", "ana")
    assert acked.acknowledged_at is not None
    async with sessions() as session, session.begin():
        resolved = await AlertService(session).resolve(alert_id, "bo")
    assert (resolved.status, resolved.resolved_by, resolved.acknowledged_by) == ("resolved", "bo", "ana")
    assert resolved.resolved_at is not None
    assert not resolved.active


async def test_invalid_transitions_say_why(sessions: Sessions) -> None:
    """Acknowledging twice, or a resolved alert, or resolving twice is refused, naming the status."""
    alert_id = await make_alert(sessions, status="acknowledged")
    async with sessions() as session, session.begin():
        service = AlertService(session)
        with pytest.raises(InvalidAlertTransition, match="is acknowledged"):
            await service.acknowledge(alert_id, "ana")
        await service.resolve(alert_id, "ana")
        with pytest.raises(InvalidAlertTransition, match="already resolved"):
            await service.resolve(alert_id, "ana")
        with pytest.raises(InvalidAlertTransition, match="is resolved"):
            await service.acknowledge(alert_id, "ana")


async def test_unknown_alert_is_not_found_and_bad_input_is_refused(sessions: Sessions) -> None:
    """An unknown id raises NotFound; an unknown status, a bad page or a blank actor InvalidAlertRequest."""
    async with sessions() as session:
        service = AlertService(session)
        with pytest.raises(NotFound):
            await service.acknowledge(999, "ana")
        with pytest.raises(NotFound):
            await service.resolve(999, "ana")
        with pytest.raises(InvalidAlertRequest):
            await service.list(statuses=["firing"])
        with pytest.raises(InvalidAlertRequest):
            await service.list(limit=0)
        with pytest.raises(InvalidAlertRequest):
            await service.acknowledge(1, "  ")


async def test_one_active_alert_per_rule_and_subject(sessions: Sessions) -> None:
    """The database refuses a second active alert of a rule and subject; resolved ones do not count."""
    await make_alert(sessions, rule="sync_lag", subject="item", status="resolved")
    await make_alert(sessions, rule="sync_lag", subject="item")
    await make_alert(sessions, rule="sync_lag", subject="contact")
    with pytest.raises(IntegrityError):
        await make_alert(sessions, rule="sync_lag", subject="item", status="acknowledged")


async def test_active_counts_by_severity_and_status(sessions: Sessions) -> None:
    """Counts cover active alerts only, by severity and by status."""
    await make_alert(sessions, rule="a", severity="critical")
    await make_alert(sessions, rule="b", severity="warning", status="acknowledged")
    await make_alert(sessions, rule="c", severity="critical", status="resolved")
    async with sessions() as session:
        counts = await AlertInsights(session).active_counts()
        bad = text("INSERT INTO tds.tds_alerts (rule, severity, message) VALUES ('x', 'info', 'm')")
        with pytest.raises(IntegrityError):
            await session.execute(bad)
    assert counts.by_severity == {"critical": 1, "warning": 1}
    assert counts.by_status == {"open": 1, "acknowledged": 1}
    assert counts.active == 2
