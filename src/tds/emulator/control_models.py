"""Request bodies of the `/__emulator__` control API (JSON)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from tds.emulator.faults import FaultKind


class SeedBody(BaseModel):
    seed: int = 1
    items: int | None = Field(default=None, ge=0)
    contacts: int | None = Field(default=None, ge=0)
    invoices: int | None = Field(default=None, ge=0)
    sizes: dict[str, int] | None = None  # any DatasetSizes field, overriding the three above


class MutateBody(BaseModel):
    n: int = Field(default=10, ge=1, le=10_000)


class FieldsBody(BaseModel):
    fields: dict[str, Any] | None = None


class FaultBody(BaseModel):
    kind: FaultKind
    count: int | None = Field(default=None, ge=1)
    probability: float = Field(default=1.0, ge=0, le=1)
    status: int = Field(default=500, ge=500, le=599)
    delay_s: float = Field(default=30.0, ge=0)
    path_prefix: str = "/books/v3"


class LimitsBody(BaseModel):
    per_minute_limit: int | None = Field(default=None, ge=0)
    daily_limit: int | None = Field(default=None, ge=0)
    max_concurrent: int | None = Field(default=None, ge=0)
    retry_after_s: int | None = Field(default=None, ge=0)
    send_retry_after: bool | None = None  # False removes Retry-After again
    latency_s: float | None = Field(default=None, ge=0)
    token_lifetime_s: float | None = Field(default=None, gt=0)
    token_refresh_per_minute: int | None = Field(default=None, ge=0)
    max_per_page: int | None = Field(default=None, ge=1, le=200)
    reset_counters: bool = False


class AdvanceBody(BaseModel):
    seconds: float = Field(gt=0)


class RevokeBody(BaseModel):
    revoked: bool = True


class WebhookBody(BaseModel):
    url: str
    entities: list[str] | None = None
    events: list[str] = Field(default_factory=lambda: ["created", "edited", "deleted"])
    method: Literal["POST", "PUT", "DELETE"] = "POST"
    body: Literal["json", "form", "raw"] = "json"
    raw_template: str = "${JSONString}"
    raw_content_type: str = "application/json"
    secret: str | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    query_params: dict[str, str] = Field(default_factory=dict)
    deleted_as: Literal["query", "method"] = "query"
    first_time_only: bool = False
    name: str = ""


class SwitchBody(BaseModel):
    next: int = Field(default=0, ge=0)
    probability: float = Field(default=0.0, ge=0, le=1)


class SwitchesBody(BaseModel):
    drop: SwitchBody | None = None
    duplicate: SwitchBody | None = None
    delay: SwitchBody | None = None
    delay_s: float | None = Field(default=None, ge=0)
    reorder_window: int | None = Field(default=None, ge=0)
    reorder_wait_s: float | None = Field(default=None, ge=0)
    retry_intervals_s: list[float] | None = None
    retry_time_scale: float | None = Field(default=None, gt=0)
    timeout_s: float | None = Field(default=None, gt=0)
    daily_quota: int | None = Field(default=None, ge=0)
