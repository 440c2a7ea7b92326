"""Settings groups for operations: the monitor's rules, alert channels, /metrics, the healer and the
follow-ups (the worker's own Zoho calls).

`config.py` composes them into the one Settings; nothing here reads the environment.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, SecretStr, model_validator

Severity = Literal["warning", "critical"]


class Threshold(BaseModel):
    """A rule fires `warning` at or above `warning`, `critical` at or above `critical`."""

    warning: float = Field(ge=0)
    critical: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Threshold:
        if self.critical < self.warning:
            raise ValueError("critical must be at or above warning")
        return self


def _limit(warning: float, critical: float) -> Threshold:
    return Threshold(warning=warning, critical=critical)


class MonitorSettings(BaseModel):
    """The monitor loop (one active process) and each rule's thresholds."""

    enabled: bool = True
    interval_s: float = Field(default=60.0, gt=0)
    queue_backlog: Threshold = _limit(500, 1000)  # pending jobs
    oldest_pending_s: Threshold = _limit(600, 1800)  # age of the oldest ready job
    failure_rate: Threshold = _limit(0.05, 0.10)  # failed attempts / finished attempts
    failure_window_s: float = Field(default=900.0, gt=0)
    failure_min_attempts: int = Field(default=20, ge=1)  # fewer attempts in the window: no verdict
    dead_letter_growth: Threshold = _limit(50, 100)  # new dead letters in the window
    dead_letter_window_s: float = Field(default=3600.0, gt=0)
    sync_lag_s: Threshold = _limit(900, 3600)  # beyond the expected interval
    sync_lag_entities: list[str] = Field(default_factory=list)  # entities expected to sync (webhooks)
    heartbeat_missing_s: Threshold = _limit(300, 900)
    heartbeat_forget_s: float = Field(default=86_400.0, gt=0)  # silent longer: a retired worker
    zoho_budget_used: Threshold = _limit(0.80, 0.95)  # fraction of the daily budget
    breakers_open: Threshold = _limit(1, 3)  # entities whose breaker is open on a live worker
    token_refresh_failures: Threshold = _limit(1, 3)  # consecutive failed refreshes
    stuck_recoveries: Threshold = _limit(2, 5)  # sweeps that found expired leases in the window
    stuck_window_s: float = Field(default=3600.0, gt=0)


class EmailChannel(BaseModel):
    """SMTP with STARTTLS (`starttls`, port 587), implicit TLS (`tls`, port 465) or none (local relay)."""

    kind: Literal["email"]
    host: str
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["starttls", "tls", "none"] = "starttls"
    username: str | None = None
    password: SecretStr | None = None
    sender: str
    recipients: list[str] = Field(min_length=1)
    validate_certs: bool = True


class SlackChannel(BaseModel):
    """A Slack incoming webhook (its URL is the secret)."""

    kind: Literal["slack"]
    webhook_url: SecretStr


class TelegramChannel(BaseModel):
    """The Telegram bot API's sendMessage to one chat."""

    kind: Literal["telegram"]
    bot_token: SecretStr
    chat_id: str
    api_base_url: str = "https://api.telegram.org"


class WebhookChannel(BaseModel):
    """A generic JSON webhook, HMAC-SHA256 signed over the body when a secret is set."""

    kind: Literal["webhook"]
    url: str
    secret: SecretStr | None = None
    signature_header: str = "X-TDS-Signature"


ChannelKind = Annotated[
    EmailChannel | SlackChannel | TelegramChannel | WebhookChannel, Field(discriminator="kind")
]


class ChannelSettings(BaseModel):
    """One notification channel and its routing: the lowest severity it takes, and its role."""

    name: str = Field(min_length=1, max_length=100)
    min_severity: Severity = "warning"
    role: Literal["primary", "escalation"] = "primary"  # escalation: only escalated alerts
    send_resolved: bool = True
    target: ChannelKind


class AlertSettings(BaseModel):
    """Notification: channels, repeats, escalation and delivery retries."""

    channels: list[ChannelSettings] = Field(default_factory=list)
    repeat_interval_s: float = Field(default=3600.0, gt=0)  # re-notify an active alert this often
    escalate_after_s: float = Field(default=1800.0, gt=0)  # unacknowledged this long: escalate
    retry_delays_s: list[float] = Field(default_factory=lambda: [5.0, 30.0, 120.0])
    timeout_s: float = Field(default=10.0, gt=0)
    dashboard_url: str | None = None  # linked from messages when set

    @model_validator(mode="after")
    def _unique_names(self) -> AlertSettings:
        names = [channel.name for channel in self.channels]
        if len(names) != len(set(names)):
            raise ValueError("alert channel names must be unique")
        return self


class MetricsSettings(BaseModel):
    """/metrics and the metrics snapshots the monitor keeps."""

    enabled: bool = True
    public: bool = False  # true: no key needed (behind a private network only)
    bearer_token: SecretStr | None = None  # Prometheus `authorization: credentials`; else the admin key
    retention_days: float = Field(default=14.0, gt=0)
    latency_window_s: float = Field(default=300.0, gt=0)  # processing-latency histogram window
    counter_settle_s: float = Field(default=60.0, ge=0)  # count rows this old: longer than any transaction


class RetentionSettings(BaseModel):
    """How long finished work is kept; the monitor removes what is older, `batch` rows a kind a round.

    `finished_days`: inbox events that were applied, skipped, rejected or whose dead letter was
    closed, with their jobs and processing logs, reconciliation runs with their differences, and
    finished follow-ups (an event with a job to run or an open dead letter is never removed).
    `audit_days`: the audit trail, the ERP's change history. 0 keeps them for ever.
    """

    finished_days: float = Field(default=30.0, ge=0)
    audit_days: float = Field(default=0.0, ge=0)
    batch: int = Field(default=5000, ge=1, le=100_000)


class HealerSettings(BaseModel):
    """Auto-healing: dead letters of transient error classes retried on a policy (off by default)."""

    dlq_retry_enabled: bool = False
    dlq_retry_after_s: float = Field(default=86_400.0, ge=0)
    dlq_max_retries: int = Field(default=3, ge=1)
    dlq_batch_size: int = Field(default=100, ge=1, le=10_000)
    transient_errors: list[str] = Field(
        default_factory=lambda: [
            "OperationalError",
            "InterfaceError",
            "TimeoutError",
            "ConnectionError",
            "CircuitOpen",
            "DatabaseBusy",
            "RetryLater",
            "ZohoServerError",
            "ZohoRateLimited",
        ]
    )


class FollowupSettings(BaseModel):
    """The worker's own Zoho calls (docs/pull-economy.md): stock refreshes after stock-moving events.

    `stock_window_s`: a refresh runs this long after the first event that asked for it, and every
    event of the item within the window shares that one item-detail call. `stock_max_age_s`: events
    whose record was last modified longer ago (a backfill) ask for none. `budget_floor`: the calls
    of the day's Zoho budget follow-ups leave unspent (they spend into the pull's reserve, not this).
    """

    enabled: bool = True
    stock_refresh: bool = True
    stock_window_s: float = Field(default=60.0, ge=0)
    stock_max_age_s: float = Field(default=86_400.0, gt=0)
    budget_floor: int = Field(default=20, ge=0)
    poll_interval_s: float = Field(default=5.0, gt=0)
    batch: int = Field(default=10, ge=1, le=200)
    lease_s: float = Field(default=300.0, gt=0)
    max_attempts: int = Field(default=5, ge=1)
    retry_delays_s: list[float] = Field(default_factory=lambda: [30.0, 120.0, 600.0, 1800.0])
    retry_jitter: float = Field(default=0.1, ge=0, le=1)

    @model_validator(mode="after")
    def _delays(self) -> FollowupSettings:
        if not self.retry_delays_s or any(d < 0 for d in self.retry_delays_s):
            raise ValueError("retry_delays_s needs at least one non-negative delay")
        return self
