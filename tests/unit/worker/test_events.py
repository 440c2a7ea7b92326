"""Turning a claimed job into the handler's EntityEvent, and refusing jobs no handler could apply."""

from __future__ import annotations

import pytest

from tds.errors import PermanentHandlerError
from tds.queue.jobs import ClaimedJob
from tds.worker.batch import to_event


def job(**overrides: object) -> ClaimedJob:
    fields: dict[str, object] = {
        "job_id": 5,
        "inbox_event_id": 9,
        "entity": "item",
        "entity_key": "item:1",
        "attempts": 1,
        "max_attempts": 4,
        "entity_id": "1",
        "action": "delete",
        "payload": None,
        "source": "pull",
        "source_modified_at": None,
    }
    return ClaimedJob(**{**fields, **overrides})  # type: ignore[arg-type]


def test_a_claimed_job_becomes_an_entity_event() -> None:
    """Ids, action and source carry over; a missing payload becomes an empty record."""
    event = to_event(job())
    assert (event.job_id, event.inbox_event_id, event.entity_id, event.action) == (5, 9, "1", "delete")
    assert (event.payload, event.source) == ({}, "pull")


@pytest.mark.parametrize(("field", "value"), [("action", "archive"), ("entity_id", None), ("entity_id", "")])
def test_jobs_no_handler_could_apply_are_permanent_failures(field: str, value: object) -> None:
    """An unknown action or a missing record id can never succeed, so it is not retried."""
    with pytest.raises(PermanentHandlerError):
        to_event(job(**{field: value}))


def test_the_last_attempt_is_known() -> None:
    """A job on its max attempt is on its last attempt."""
    assert job(attempts=4).last_attempt
    assert not job(attempts=3).last_attempt
