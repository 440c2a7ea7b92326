"""The one Settings object: every knob of the service, read from TDS_* environment variables."""

from __future__ import annotations

import os
import warnings
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from tds.config_operations import (
    AlertSettings,
    FollowupSettings,
    HealerSettings,
    MetricsSettings,
    MonitorSettings,
    RetentionSettings,
)
from tds.db.schema import schema_name_problem

PLACEHOLDER_SECRETS = frozenset({"changeme", "change-me", "secret", "password", "xxx"})
LISTEN_CONNECTIONS = 1  # the worker's dedicated LISTEN connection, outside the pool
LOCK_CONNECTIONS = 3  # pooled, held while leading: the monitor's, the pull and reconcile schedulers'
# The fewest connections a process can work with: LISTEN, the lock holders, one for work.
MIN_CONNECTIONS = LISTEN_CONNECTIONS + LOCK_CONNECTIONS + 1


class DatabaseSettings(BaseModel):
    """Where PostgreSQL is; with no url the service starts an embedded server under `data_dir`."""

    url: SecretStr | None = None
    schema_name: str = "tds"  # the schema TDS Core owns: all its tables, functions, its Alembic version
    data_dir: Path = Path.home() / ".local" / "share" / "tds" / "pgdata"
    pool_size: int = Field(default=10, ge=1)
    max_overflow: int = Field(default=10, ge=0)
    # At most this many connections per process, every pool and connection together (None: the
    # pool's pool_size + max_overflow, plus one for the worker's LISTEN). See `pool_limits`.
    max_connections: int | None = Field(default=None, ge=MIN_CONNECTIONS)
    pool_timeout_s: float = Field(default=30.0, gt=0)
    statement_timeout_ms: int = Field(default=30_000, ge=0)
    lock_timeout_ms: int = Field(default=5_000, ge=0)  # how long a statement waits for a row or table lock
    migrate_on_start: bool = True
    startup_wait_s: float = Field(default=30.0, ge=0)  # wait this long for the database at start

    def pool_limits(self) -> tuple[int, int]:
        """The engine's (pool_size, max_overflow): as configured, cut to fit `max_connections` with
        one connection left for the worker's LISTEN (migrations run before the pool opens)."""
        if self.max_connections is None:
            return self.pool_size, self.max_overflow
        pooled = self.max_connections - LISTEN_CONNECTIONS
        size = min(self.pool_size, pooled)
        return size, min(self.max_overflow, pooled - size)

    @property
    def connections_per_process(self) -> int:
        """The most connections one process opens: the pool's, and the worker's LISTEN connection."""
        size, overflow = self.pool_limits()
        return size + overflow + LISTEN_CONNECTIONS

    @field_validator("schema_name")
    @classmethod
    def _own_schema(cls, value: str) -> str:
        problem = schema_name_problem(value)
        if problem:
            raise ValueError(problem)
        return value


class ApiSettings(BaseModel):
    """The HTTP server and the admin API."""

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    admin_api_keys: list[SecretStr] = Field(default_factory=list)
    admin_api_key_header: str = "X-API-Key"
    trusted_proxies: list[str] = Field(default_factory=list)  # whose X-Forwarded-For/-Proto to believe
    retry_after_s: int = Field(default=5, ge=1, le=3600)


class DashboardSettings(BaseModel):
    """The web dashboard at /dashboard: its login session cookie.

    With no `session_secret` the cookie is signed with a key derived from the admin API keys, so every
    API process of one installation accepts the same sessions and changing the keys ends them all.
    `read_only_api_keys` open sessions that see every page but can take no action.
    """

    session_secret: SecretStr | None = None
    read_only_api_keys: list[SecretStr] = Field(default_factory=list)
    session_max_age_s: int = Field(default=8 * 3600, ge=60)
    secure_cookie: bool = False
    refresh_interval_s: float = Field(default=5.0, ge=1.0)


class WebhookSettings(BaseModel):
    """How incoming Zoho webhooks are verified and bounded."""

    hmac_secret: SecretStr | None = None
    signature_header: str = "X-Zoho-Webhook-Signature"
    shared_token: SecretStr | None = None
    token_header: str = "X-TDS-Webhook-Token"
    token_query_param: str = "token"
    verification_disabled: bool = False
    max_body_bytes: int = Field(default=1_048_576, ge=1024)


class WorkerSettings(BaseModel):
    """The worker pool: claiming, leases, retries and circuit breakers."""

    concurrency: int = Field(default=4, ge=1)
    batch_size: int = Field(default=100, ge=1, le=1000)
    poll_interval_s: float = Field(default=1.0, gt=0)
    lease_s: float = Field(default=60.0, gt=0)
    heartbeat_interval_s: float = Field(default=10.0, gt=0)
    max_attempts: int = Field(default=4, ge=1)
    retry_delays_s: list[float] = Field(default_factory=lambda: [60.0, 300.0, 900.0])
    retry_jitter: float = Field(default=0.1, ge=0, le=1)
    shutdown_timeout_s: float = Field(default=30.0, ge=0)
    breaker_failure_threshold: int = Field(default=5, ge=1)
    breaker_reset_s: float = Field(default=30.0, gt=0)
    stuck_recovery_interval_s: float = Field(default=30.0, gt=0)

    @field_validator("retry_delays_s")
    @classmethod
    def _delays_not_empty(cls, value: list[float]) -> list[float]:
        if not value or any(d < 0 for d in value):
            raise ValueError("retry_delays_s needs at least one non-negative delay")
        return value


class ZohoSettings(BaseModel):
    """The Zoho Books API account this installation syncs with."""

    data_centre: Literal["com", "eu", "in", "com.au", "jp", "ca", "sa", "com.cn"] = "com"
    client_id: str = ""
    client_secret: SecretStr | None = None
    refresh_token: SecretStr | None = None
    organization_id: str = ""
    accounts_url: str | None = None
    api_base_url: str | None = None
    requests_per_minute: int = Field(default=100, ge=1)
    daily_request_budget: int = Field(default=5_000, ge=1)
    timeout_s: float = Field(default=30.0, gt=0)
    max_retries: int = Field(default=5, ge=0)


class PullSettings(BaseModel):
    """Pull sync: page size, detail fetches, the incremental scheduler and image downloads."""

    per_page: int = Field(default=200, ge=1, le=200)
    detail_concurrency: int = Field(default=4, ge=1, le=10)
    scheduler_enabled: bool = True
    interval_s: float = Field(default=900.0, gt=0)
    entities: list[str] = Field(default_factory=list)
    images_dir: Path | None = None
    stale_run_s: float = Field(default=300.0, gt=0)
    # A run pauses (resumable) before a page whose calls would leave less than this of the day's budget.
    budget_reserve: int = Field(default=100, ge=0)


class ReconcileSettings(BaseModel):
    """Reconciliation: list page size, what a Zoho delete does, and the daily schedule."""

    per_page: int = Field(default=200, ge=1, le=200)
    # Per entity: `mark` queues a soft delete for records Zoho no longer has; `report` only reports.
    deleted: dict[str, Literal["mark", "report"]] = Field(default_factory=dict)
    scheduler_enabled: bool = False
    interval_s: float = Field(default=86_400.0, gt=0)
    entities: list[str] = Field(default_factory=list)
    repair: bool = False


class ErpMappingSettings(BaseModel):
    """The ERP target: a profile file (`profile`, YAML or TOML; docs/erp-profiles.md), else the
    default `erp.*` schema, whose table and column names `tables` and `columns` may still rename.

    `tables` maps a logical table (`products`) to a physical name (`inventory.items` or `items`);
    `columns` maps `table.column` (`products.name`) to a physical column name.
    """

    profile: Path | None = None
    schema_name: str = "erp"
    shadow: bool = False  # run beside another integration: write nothing to the ERP, report what would be
    tables: dict[str, str] = Field(default_factory=dict)
    columns: dict[str, str] = Field(default_factory=dict)

    @property
    def writes_default_schema(self) -> bool:
        """The packaged default profile writes the `erp.*` tables, which the migrations then create."""
        return self.profile is None


class BackupSettings(BaseModel):
    """`tds backup`: where backups go, how many days they are kept, which pg_dump/pg_restore to use."""

    dir: Path = Path.home() / ".local" / "share" / "tds" / "backups"
    retention_days: int = Field(default=14, ge=0)  # 0 keeps every backup
    pg_bin_dir: Path | None = None  # else PATH, /usr/lib/postgresql/*/bin, then pgserver's binaries


class Settings(BaseSettings):
    """All configuration, from `TDS_*` variables (nested with `__`) and an optional `.env` file."""

    model_config = SettingsConfigDict(
        env_prefix="TDS_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
    )

    environment: Literal["dev", "test", "production"] = "dev"
    log_level: str = "INFO"
    log_json: bool = False
    db: DatabaseSettings = Field(default_factory=DatabaseSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    webhooks: WebhookSettings = Field(default_factory=WebhookSettings)
    worker: WorkerSettings = Field(default_factory=WorkerSettings)
    zoho: ZohoSettings = Field(default_factory=ZohoSettings)
    pull: PullSettings = Field(default_factory=PullSettings)
    followups: FollowupSettings = Field(default_factory=FollowupSettings)
    erp: ErpMappingSettings = Field(default_factory=ErpMappingSettings)
    monitor: MonitorSettings = Field(default_factory=MonitorSettings)
    alerts: AlertSettings = Field(default_factory=AlertSettings)
    metrics: MetricsSettings = Field(default_factory=MetricsSettings)
    healer: HealerSettings = Field(default_factory=HealerSettings)
    retention: RetentionSettings = Field(default_factory=RetentionSettings)
    dashboard: DashboardSettings = Field(default_factory=DashboardSettings)
    reconcile: ReconcileSettings = Field(default_factory=ReconcileSettings)
    backup: BackupSettings = Field(default_factory=BackupSettings)

    @model_validator(mode="after")
    def _reject_placeholders(self) -> Settings:
        if self.environment != "production":
            return self
        secrets = [self.webhooks.hmac_secret, self.webhooks.shared_token, *self.api.admin_api_keys]
        for secret in secrets:
            if secret is not None and secret.get_secret_value().lower() in PLACEHOLDER_SECRETS:
                raise ValueError("a placeholder secret is not allowed in production")
        if self.webhooks.verification_disabled:
            raise ValueError("webhook verification cannot be disabled in production")
        return self

    @cached_property
    def startup_warnings(self) -> list[str]:
        """Configuration that works but that an operator should hear about at start."""
        found: list[str] = []
        if self.webhooks.verification_disabled:
            found.append("webhook verification is DISABLED: anyone can post events")
        elif self.webhooks.hmac_secret is None and self.webhooks.shared_token is None:
            found.append("no webhook secret or token configured: every webhook will be rejected (401)")
        if self.erp.shadow:
            found.append("shadow mode: nothing is written to the ERP; see tds erp shadow-report")
        if not self.api.admin_api_keys:
            found.append("no admin API key configured: admin endpoints answer 401")
        pooled = sum(self.db.pool_limits())
        if pooled < self.worker.concurrency + LOCK_CONNECTIONS + 1:
            found.append(
                f"the connection pool holds {pooled}: a worker's {self.worker.concurrency} batches, the"
                " monitor and the schedulers will wait for connections (raise TDS_DB__MAX_CONNECTIONS"
                " or lower TDS_WORKER__CONCURRENCY)"
            )
        return found


def load_settings(**overrides: object) -> Settings:
    """Reads the environment once; tests pass overrides instead of setting variables."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Settings(**overrides)  # type: ignore[arg-type]


def service_notify_socket() -> str | None:
    """The service manager's readiness socket (systemd sets NOTIFY_SOCKET for Type=notify units)."""
    return os.environ.get("NOTIFY_SOCKET") or None


def service_watchdog_interval_s() -> float | None:
    """How often to ping the service manager's watchdog (half of WATCHDOG_USEC), when it is meant for us."""
    usec, pid = os.environ.get("WATCHDOG_USEC"), os.environ.get("WATCHDOG_PID")
    if not usec or not usec.isdigit() or int(usec) == 0 or (pid and pid != str(os.getpid())):
        return None
    return int(usec) / 2_000_000
