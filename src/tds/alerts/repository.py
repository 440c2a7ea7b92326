"""All alert SQL: list and read, acknowledge and resolve, and the monitor's open/refresh/auto-resolve."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tds.alerts.snapshot import Finding
from tds.alerts.views import AlertView
from tds.db.schema import tds_text

COLUMNS = (
    "id, rule, subject, severity, status, message, details, fired_at, last_seen_at, notified_at, "
    "notifications, escalated_at, acknowledged_at, acknowledged_by, resolved_at, resolved_by"
)

# Alerts in the given statuses, newest first.
LIST_SQL = tds_text(f"""
SELECT {COLUMNS} FROM tds.tds_alerts WHERE status = ANY(CAST(:statuses AS text[]))
ORDER BY fired_at DESC, id DESC LIMIT :limit OFFSET :offset
""")

GET_SQL = tds_text(f"SELECT {COLUMNS} FROM tds.tds_alerts WHERE id = :id")

# open -> acknowledged, only from open (the WHERE makes the transition atomic).
ACKNOWLEDGE_SQL = tds_text(f"""
UPDATE tds.tds_alerts SET status = 'acknowledged', acknowledged_at = now(), acknowledged_by = :by
WHERE id = :id AND status = 'open'
RETURNING {COLUMNS}
""")

# open or acknowledged -> resolved, by an operator.
RESOLVE_SQL = tds_text(f"""
UPDATE tds.tds_alerts SET status = 'resolved', resolved_at = now(), resolved_by = :by
WHERE id = :id AND status <> 'resolved'
RETURNING {COLUMNS}
""")

# Active alerts counted by severity and status.
ACTIVE_COUNTS_SQL = tds_text("""
SELECT severity, status, count(*) FROM tds.tds_alerts WHERE status <> 'resolved' GROUP BY severity, status
""")


# Opens an alert per finding, or refreshes the active one of its rule and subject; answers each with
# the severity it had before (NULL: newly opened).
UPSERT_FINDINGS_SQL = tds_text(f"""
WITH f AS (
    SELECT * FROM unnest(CAST(:rules AS text[]), CAST(:subjects AS text[]), CAST(:severities AS text[]),
                         CAST(:messages AS text[]), CAST(:details AS text[]))
        AS f(rule, subject, severity, message, details)
), prev AS (
    SELECT a.rule, a.subject, a.severity FROM tds.tds_alerts AS a JOIN f USING (rule, subject)
    WHERE a.status <> 'resolved'
), up AS (
    INSERT INTO tds.tds_alerts (rule, subject, severity, message, details)
    SELECT rule, subject, severity, message, CAST(details AS jsonb) FROM f
    ON CONFLICT (rule, subject) WHERE status <> 'resolved' DO UPDATE
    SET severity = EXCLUDED.severity, message = EXCLUDED.message, details = EXCLUDED.details,
        last_seen_at = now()
    RETURNING {COLUMNS}
)
SELECT up.*, prev.severity AS previous_severity FROM up LEFT JOIN prev USING (rule, subject)
""")

# Resolves the monitor's active alerts whose condition is gone (rules it judged, keys not found now).
RESOLVE_CLEARED_SQL = tds_text(f"""
UPDATE tds.tds_alerts AS a SET status = 'resolved', resolved_at = now(), resolved_by = 'monitor'
WHERE a.status <> 'resolved' AND a.rule = ANY(CAST(:judged AS text[]))
  AND NOT EXISTS (SELECT 1 FROM unnest(CAST(:rules AS text[]), CAST(:subjects AS text[])) AS k(rule, subject)
                  WHERE k.rule = a.rule AND k.subject = a.subject)
RETURNING {COLUMNS}
""")

# Takes the active alerts due a message and stamps them: never notified or raised in severity
# (firing), open and unacknowledged too long (escalation, once), open and not told for a while (repeat).
# Acknowledged alerts stay quiet until they resolve.
CLAIM_DUE_SQL = tds_text(f"""
WITH due AS (
    SELECT id, CASE
        WHEN notifications = 0 OR id = ANY(CAST(:raised AS bigint[])) THEN 'firing'
        WHEN status = 'open' AND escalated_at IS NULL
             AND fired_at <= now() - make_interval(secs => :escalate_s) THEN 'escalation'
        ELSE 'repeat' END AS kind
    FROM tds.tds_alerts
    WHERE status <> 'resolved' AND (
        notifications = 0 OR id = ANY(CAST(:raised AS bigint[]))
        OR (status = 'open' AND escalated_at IS NULL
            AND fired_at <= now() - make_interval(secs => :escalate_s))
        OR (status = 'open' AND notified_at <= now() - make_interval(secs => :repeat_s)))
    ORDER BY id FOR UPDATE
), stamped AS (
    UPDATE tds.tds_alerts AS a SET notified_at = now(), notifications = a.notifications + 1,
        escalated_at = CASE WHEN due.kind = 'escalation' THEN now() ELSE a.escalated_at END
    FROM due WHERE a.id = due.id
    RETURNING a.*, due.kind
)
SELECT {COLUMNS}, kind FROM stamped ORDER BY id
""")


class AlertRepository:
    """Alert rows inside the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list_alerts(self, *, statuses: Sequence[str], limit: int, offset: int) -> list[AlertView]:
        params = {"statuses": list(statuses), "limit": limit, "offset": offset}
        result = await self.session.execute(LIST_SQL, params)
        return [to_view(row) for row in result.mappings()]

    async def get(self, alert_id: int) -> AlertView | None:
        return await self._one(GET_SQL, {"id": alert_id})

    async def acknowledge(self, alert_id: int, by: str) -> AlertView | None:
        return await self._one(ACKNOWLEDGE_SQL, {"id": alert_id, "by": by})

    async def resolve(self, alert_id: int, by: str) -> AlertView | None:
        return await self._one(RESOLVE_SQL, {"id": alert_id, "by": by})

    async def active_counts(self) -> list[tuple[str, str, int]]:
        result = await self.session.execute(ACTIVE_COUNTS_SQL)
        return [(str(s), str(st), int(c)) for s, st, c in result.all()]

    async def upsert_findings(self, findings: Sequence[Finding]) -> list[tuple[AlertView, str | None]]:
        """Each finding's alert after the write, with its severity before (None: newly opened)."""
        if not findings:
            return []
        params = {
            "rules": [f.rule for f in findings],
            "subjects": [f.subject for f in findings],
            "severities": [f.severity for f in findings],
            "messages": [f.message for f in findings],
            "details": [json.dumps(f.details) for f in findings],
        }
        rows = (await self.session.execute(UPSERT_FINDINGS_SQL, params)).mappings()
        return [
            (to_view({k: v for k, v in r.items() if k != "previous_severity"}), r["previous_severity"])
            for r in rows
        ]

    async def resolve_cleared(self, judged: Sequence[str], found: Sequence[Finding]) -> list[AlertView]:
        params = {
            "judged": list(judged),
            "rules": [f.rule for f in found],
            "subjects": [f.subject for f in found],
        }
        result = await self.session.execute(RESOLVE_CLEARED_SQL, params)
        return [to_view(row) for row in result.mappings()]

    async def claim_due(
        self, *, raised: Sequence[int], escalate_s: float, repeat_s: float
    ) -> list[tuple[AlertView, str]]:
        params = {"raised": list(raised), "escalate_s": escalate_s, "repeat_s": repeat_s}
        rows = (await self.session.execute(CLAIM_DUE_SQL, params)).mappings()
        return [(to_view({k: v for k, v in r.items() if k != "kind"}), str(r["kind"])) for r in rows]

    async def _one(self, sql: Any, params: dict[str, Any]) -> AlertView | None:
        row = (await self.session.execute(sql, params)).mappings().first()
        return to_view(row) if row is not None else None


def to_view(row: Any) -> AlertView:
    return AlertView(**dict(row))


# One metrics snapshot: a row per (name, value, labels).
INSERT_SAMPLES_SQL = tds_text("""
INSERT INTO tds.tds_metrics (name, value, labels)
SELECT name, value, CAST(labels AS jsonb)
FROM unnest(CAST(:names AS text[]), CAST(:values AS float8[]), CAST(:labels AS text[]))
    AS s(name, value, labels)
""")

# Deletes up to :limit samples older than the retention, oldest first (short statements, no long lock).
PRUNE_SAMPLES_SQL = tds_text("""
DELETE FROM tds.tds_metrics WHERE id IN (
    SELECT id FROM tds.tds_metrics WHERE sampled_at < now() - make_interval(secs => :keep_s)
    ORDER BY sampled_at LIMIT :limit)
""")

# The samples of one metric since a moment, oldest first (the dashboard charts these).
SERIES_SQL = tds_text("""
SELECT sampled_at, value, labels FROM tds.tds_metrics
WHERE name = :name AND sampled_at >= :since ORDER BY sampled_at
""")


class MetricSampleRepository:
    """tds_metrics rows inside the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, samples: Sequence[tuple[str, float, dict[str, str]]]) -> None:
        if not samples:
            return
        params = {
            "names": [name for name, _, _ in samples],
            "values": [value for _, value, _ in samples],
            "labels": [json.dumps(labels) for _, _, labels in samples],
        }
        await self.session.execute(INSERT_SAMPLES_SQL, params)

    async def prune(self, keep_s: float, limit: int = 10_000) -> int:
        result = await self.session.execute(PRUNE_SAMPLES_SQL, {"keep_s": keep_s, "limit": limit})
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def series(self, name: str, since: Any) -> list[tuple[Any, float, dict[str, Any]]]:
        rows = await self.session.execute(SERIES_SQL, {"name": name, "since": since})
        return [(at, float(value), dict(labels)) for at, value, labels in rows]
