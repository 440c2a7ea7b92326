"""The emulator's knobs: account credentials, limits, latency and dataset sizes (plain values)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

# The organisation's zone (Baghdad, +0300): timestamps render with this offset and no colon.
DEFAULT_OFFSET_MINUTES = 180
# Seeded data ends here, so one seed always yields the same records whatever day it runs.
DEFAULT_ANCHOR = datetime(2026, 11, 1, 9, 0, 0, tzinfo=timezone(timedelta(minutes=DEFAULT_OFFSET_MINUTES)))


@dataclass(frozen=True)
class DatasetSizes:
    """How many records of each entity the generator makes."""

    items: int = 2000
    contacts: int = 600
    invoices: int = 1500
    bills: int = 300
    creditnotes: int = 100
    salesorders: int = 400
    customerpayments: int = 600
    vendorpayments: int = 150
    pricebooks: int = 5
    inventory_adjustments: int = 100
    warehouses: int = 4
    users: int = 8

    @classmethod
    def from_counts(cls, *, items: int, contacts: int, invoices: int) -> DatasetSizes:
        """Sizes for the three headline counts, the other documents scaled from the invoices."""
        return cls(
            items=items,
            contacts=contacts,
            invoices=invoices,
            bills=invoices // 5,
            creditnotes=invoices // 15,
            salesorders=invoices // 4,
            customerpayments=invoices * 2 // 5,
            vendorpayments=invoices // 10,
            inventory_adjustments=max(1, invoices // 15) if invoices else 0,
        )


@dataclass
class EmulatorOptions:
    """Everything a running emulator can be told; the control API changes the mutable parts.

    Rate limits use 0 for "off". Durations carry their unit in the name.
    """

    seed: int = 1
    sizes: DatasetSizes = field(default_factory=DatasetSizes)
    anchor: datetime = DEFAULT_ANCHOR
    offset_minutes: int = DEFAULT_OFFSET_MINUTES
    organization_id: str = "7100012345"
    organization_name: str = "شركة تي دي اس للتجارة"
    client_id: str = "1000.EMULATORCLIENT0000000000000001"
    client_secret: str = "emulator0secret0000000000000000000000000001"
    refresh_token: str = "1000.emulatorrefresh00000000000000000001.000000000000000000000000000001"
    api_domain: str | None = None
    token_lifetime_s: float = 3600.0
    max_live_tokens: int = 30
    token_refresh_per_minute: int = 0
    per_minute_limit: int = 100
    daily_limit: int = 10_000
    max_concurrent: int = 10
    retry_after_s: int | None = None
    latency_s: float = 0.0
    max_per_page: int = 200
    webhook_timeout_s: float = 15.0
    webhook_daily_quota: int = 1000
    webhook_retry_intervals_s: list[float] = field(default_factory=list)
    webhook_retry_time_scale: float = 1.0
    mutate_interval_s: float = 0.0
    mutate_batch: int = 5
