"""The Notifier protocol, the Notice every channel renders, and the plain-text and HTML renderings."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from tds.errors import TdsError

NoticeKind = Literal["firing", "repeat", "escalation", "resolved", "test"]
KIND_LABELS: dict[str, str] = {
    "firing": "FIRING",
    "repeat": "STILL FIRING",
    "escalation": "ESCALATED",
    "resolved": "RESOLVED",
    "test": "TEST",
}


class NotifyError(TdsError):
    """A notification channel refused or failed the message."""


@dataclass(frozen=True)
class Notice:
    """One message about one alert (or a test), at the severity it is routed by."""

    kind: NoticeKind
    rule: str
    severity: str
    message: str
    subject: str = ""
    alert_id: int | None = None
    fired_at: datetime | None = None
    escalated: bool = False
    details: dict[str, Any] = field(default_factory=dict)
    link: str | None = None

    @property
    def title(self) -> str:
        subject = f" [{self.subject}]" if self.subject else ""
        return f"[{KIND_LABELS[self.kind]}] {self.severity.upper()} {self.rule}{subject}"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Notice:
        """The notice back from its JSON form (a stored delivery)."""
        fired_at = data.get("fired_at")
        return cls(
            kind=data["kind"],
            rule=data["rule"],
            severity=data["severity"],
            message=data["message"],
            subject=data.get("subject") or "",
            alert_id=data.get("alert_id"),
            fired_at=datetime.fromisoformat(fired_at) if fired_at else None,
            escalated=bool(data.get("escalated")),
            details=dict(data.get("details") or {}),
            link=data.get("link"),
        )

    def as_dict(self) -> dict[str, Any]:
        """The JSON form (generic webhook)."""
        return {
            "kind": self.kind,
            "alert_id": self.alert_id,
            "rule": self.rule,
            "subject": self.subject,
            "severity": self.severity,
            "escalated": self.escalated,
            "message": self.message,
            "fired_at": self.fired_at.isoformat() if self.fired_at else None,
            "details": self.details,
            "link": self.link,
        }


class Notifier(Protocol):
    """Sends one notice or raises (NotifyError or a transport error); the dispatcher retries."""

    async def send(self, notice: Notice) -> None: ...


def plain_text(notice: Notice) -> str:
    lines = [notice.title, "", notice.message, ""]
    if notice.alert_id is not None:
        lines.append(f"alert #{notice.alert_id}")
    if notice.fired_at is not None:
        lines.append(f"since {notice.fired_at.isoformat(timespec='seconds')}")
    lines += [f"{key}: {value}" for key, value in notice.details.items()]
    if notice.link:
        lines.append(notice.link)
    return "\n".join(lines).rstrip() + "\n"


def html_text(notice: Notice) -> str:
    rows = "".join(
        f"<tr><th align='left'>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>"
        for k, v in notice.details.items()
    )
    link = f"<p><a href='{html.escape(notice.link)}'>open the dashboard</a></p>" if notice.link else ""
    since = f"<p>since {notice.fired_at.isoformat(timespec='seconds')}</p>" if notice.fired_at else ""
    return (
        f"<html><body><h2>{html.escape(notice.title)}</h2><p>{html.escape(notice.message)}</p>"
        f"{since}<table>{rows}</table>{link}</body></html>"
    )
