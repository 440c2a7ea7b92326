"""Dashboard dependencies: services whose transaction commits before the response leaves.

FastAPI ends a `yield` dependency after the response is sent unless it is declared with
scope="function". An action answers with a redirect that the browser follows at once, so its
transaction must be committed by then, or the next page can still show the state before the action.
"""

from __future__ import annotations

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession

from tds.alerts.service import AlertService
from tds.api.deps import get_container, get_session
from tds.bootstrap import Container
from tds.queue.service import QueueService

ACTION_SESSION = Depends(get_session, scope="function")


def action_queue_service(
    session: AsyncSession = ACTION_SESSION, container: Container = Depends(get_container)
) -> QueueService:
    """The admin API's queue service, in a transaction that commits before the redirect is sent."""
    return QueueService(session, container.settings.worker.max_attempts)


def action_alert_service(session: AsyncSession = ACTION_SESSION) -> AlertService:
    return AlertService(session)
