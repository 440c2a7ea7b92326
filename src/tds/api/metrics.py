"""GET /metrics for Prometheus: cluster-wide figures read from PostgreSQL at scrape time (a custom
collector), plus this API process's own webhook intake counters and latency histogram.

Workers serve no HTTP and may run on other machines, so nothing they count lives in their memory:
what they do is in the database (queue, processing log, heartbeats, breakers, healer log) and is
read here. Guarded by the admin key, a bearer token of its own, or open when `metrics.public`.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable, Iterator

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeHistogramMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tds.api.deps import get_container, require_admin
from tds.bootstrap import Container
from tds.entities import catalog
from tds.entities.catalog import EntitySpec
from tds.errors import NotFound, VerificationFailed
from tds.inbox.legacy import LEGACY_PREFIX, legacy_lookup
from tds.insights.metrics import ClusterMetrics, ClusterMetricsReader

router = APIRouter(tags=["metrics"])
INTAKE_BUCKETS_S = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
OUTCOMES = {202: "accepted", 200: "duplicate", 401: "unauthorized", 404: "unknown_entity", 413: "too_large"}


class IntakeMetrics:
    """This process's webhook requests by entity and outcome, and their latency."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "tds_webhook_requests",
            "Webhook requests answered by this API process",
            ["entity", "outcome"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "tds_webhook_intake_seconds",
            "Webhook intake latency in this API process",
            ["entity"],
            buckets=INTAKE_BUCKETS_S,
            registry=self.registry,
        )

    def observe(self, entity: str, status: int, seconds: float) -> None:
        outcome = OUTCOMES.get(status, "rejected" if status < 500 else "error")
        self.requests.labels(entity, outcome).inc()
        self.latency.labels(entity).observe(seconds)


class IntakeTimer:
    """Pure ASGI middleware timing every /webhooks/zoho/{entity} and /api/tds/webhooks/{name} request
    (no per-request task or copy, unlike a decorator middleware); the entity label is bounded by the
    catalog."""

    def __init__(self, app: ASGIApp, intake: IntakeMetrics) -> None:
        self.app = app
        self.intake = intake

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        lookup = _entity_lookup(path)
        if lookup is None:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def remember_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, remember_status)
        finally:
            spec = lookup(path.rsplit("/", 1)[-1])
            self.intake.observe(spec.name if spec else "unknown", status, time.perf_counter() - started)


def _entity_lookup(path: str) -> Callable[[str], EntitySpec | None] | None:
    """How a webhook path's last segment names its entity; None for paths that are no webhook."""
    if path.startswith("/webhooks/zoho/"):
        return catalog.lookup
    if path.startswith(f"{LEGACY_PREFIX}/"):
        return legacy_lookup
    return None


def install_intake_metrics(app: FastAPI) -> IntakeMetrics:
    intake = IntakeMetrics()
    app.state.intake_metrics = intake
    app.add_middleware(IntakeTimer, intake=intake)
    return intake


class ClusterCollector(Collector):
    """Turns one ClusterMetrics read into Prometheus metric families."""

    def __init__(self, m: ClusterMetrics) -> None:
        self.m = m

    def collect(self) -> Iterator[Metric]:
        yield from self._queue()
        yield from self._counters()
        yield from self._zoho_and_workers()
        yield from self._alerts_and_healer()
        yield from self._followups()

    def _queue(self) -> Iterator[Metric]:
        m = self.m
        depth = GaugeMetricFamily(
            "tds_queue_jobs", "Jobs in the queue by status (each counted up to 100,000)", labels=["status"]
        )
        for status, count in sorted(m.queue_depth.items()):
            depth.add_metric([status], count)
        yield depth
        yield GaugeMetricFamily(
            "tds_queue_oldest_pending_age_seconds",
            "Age of the oldest job ready to run",
            value=m.oldest_pending_age_s or 0.0,
        )
        yield GaugeMetricFamily(
            "tds_dead_letters_open", "Open dead-letter entries", value=m.dead_letters_open
        )
        lat = m.latency
        cumulative = [(str(le), n) for le, n in lat.buckets] + [("+Inf", lat.count)]
        yield GaugeHistogramMetricFamily(
            "tds_processing_latency_seconds",
            "Inbox -> ERP latency of events applied in the recent window",
            buckets=cumulative,
            gsum_value=lat.sum_s,
        )

    def _counters(self) -> Iterator[Metric]:
        jobs = CounterMetricFamily(
            "tds_jobs", "Job attempts by entity and outcome", labels=["entity", "outcome"]
        )
        for (entity, outcome), n in sorted(self.m.jobs.items()):
            jobs.add_metric([entity, outcome], n)
        yield jobs
        inbox = CounterMetricFamily(
            "tds_inbox_events", "Inbox events by source and entity", labels=["source", "entity"]
        )
        for (source, entity), n in sorted(self.m.inbox.items()):
            inbox.add_metric([source, entity], n)
        yield inbox
        records = CounterMetricFamily("tds_pull_records", "Records read by pull sync runs", labels=["entity"])
        pages = CounterMetricFamily(
            "tds_pull_pages", "List pages fetched by pull sync runs", labels=["entity"]
        )
        failed = CounterMetricFamily("tds_pull_runs_failed", "Pull sync runs that failed", labels=["entity"])
        for entity, n_records, n_pages, n_failed in self.m.pull:
            records.add_metric([entity], n_records)
            pages.add_metric([entity], n_pages)
            failed.add_metric([entity], n_failed)
        yield from (records, pages, failed)

    def _zoho_and_workers(self) -> Iterator[Metric]:
        m = self.m
        yield GaugeMetricFamily(
            "tds_zoho_api_calls_today", "Zoho API calls counted today (UTC)", value=m.zoho_calls_today
        )
        yield GaugeMetricFamily(
            "tds_zoho_budget_remaining",
            "Zoho API calls left in today's budget",
            value=max(0, m.zoho_budget - m.zoho_calls_today),
        )
        workers = GaugeMetricFamily(
            "tds_workers", "Worker processes by state (live: heartbeat recent)", labels=["state", "live"]
        )
        counts: dict[tuple[str, str], int] = {}
        worker_jobs = CounterMetricFamily(
            "tds_worker_jobs", "Jobs run by each worker process", labels=["worker", "result"]
        )
        for w in m.workers:
            key = (w.state, "true" if w.live else "false")
            counts[key] = counts.get(key, 0) + 1
            worker_jobs.add_metric([w.worker_id, "processed"], w.processed)
            worker_jobs.add_metric([w.worker_id, "failed"], w.failed)
        for (state, live), n in sorted(counts.items()):
            workers.add_metric([state, live], n)
        yield from (workers, worker_jobs)
        breakers = GaugeMetricFamily(
            "tds_breaker_open",
            "Circuit breakers not closed on live workers",
            labels=["worker", "entity", "state"],
        )
        for worker, entity, state in m.breakers:
            breakers.add_metric([worker, entity, state], 1)
        yield breakers

    def _alerts_and_healer(self) -> Iterator[Metric]:
        alerts = GaugeMetricFamily(
            "tds_alerts_active", "Open or acknowledged alerts by severity", labels=["severity"]
        )
        for severity in ("warning", "critical"):
            alerts.add_metric([severity], self.m.alerts.by_severity.get(severity, 0))
        yield alerts
        deliveries = GaugeMetricFamily(
            "tds_alert_deliveries",
            "Alert notices to channels by delivery status (over the metrics retention)",
            labels=["status"],
        )
        for status in ("pending", "sent", "given_up"):
            deliveries.add_metric([status], self.m.alerts.deliveries.get(status, 0))
        yield deliveries
        times = CounterMetricFamily("tds_healer_actions", "Healing actions taken", labels=["action"])
        items = CounterMetricFamily(
            "tds_healer_items", "Jobs or dead letters the healer acted on", labels=["action"]
        )
        for total in self.m.healer:
            times.add_metric([total.action], total.times)
            items.add_metric([total.action], total.items)
        yield from (times, items)

    def _followups(self) -> Iterator[Metric]:
        active = GaugeMetricFamily(
            "tds_followups_pending",
            "Follow-ups (the worker's own Zoho calls) waiting or running, by kind",
            labels=["kind", "status"],
        )
        for (kind, status), n in sorted(self.m.followups_active.items()):
            active.add_metric([kind, status], n)
        yield active
        finished = CounterMetricFamily(
            "tds_followups_finished",
            "Follow-ups finished, by kind and outcome (done, or failed when given up)",
            labels=["kind", "outcome"],
        )
        for (kind, outcome), n in sorted(self.m.followups_finished.items()):
            finished.add_metric([kind, outcome], n)
        yield finished


def require_metrics_access(request: Request, container: Container = Depends(get_container)) -> None:
    """Open when `metrics.public`; else the metrics bearer token or the admin key."""
    settings = container.settings.metrics
    if not settings.enabled:
        raise NotFound("metrics are disabled")
    if settings.public:
        return
    token = settings.bearer_token
    given = request.headers.get("authorization", "")
    if token is not None and hmac.compare_digest(
        given.encode(), f"Bearer {token.get_secret_value()}".encode()
    ):
        return
    try:
        require_admin(request, container)
    except VerificationFailed as exc:
        raise VerificationFailed("metrics need the admin key or the metrics bearer token") from exc


@router.get("/metrics", dependencies=[Depends(require_metrics_access)], include_in_schema=False)
async def metrics(request: Request, container: Container = Depends(get_container)) -> Response:
    reader: ClusterMetricsReader = container.extras.setdefault(
        "metrics_reader", ClusterMetricsReader(container.settings)
    )
    async with container.sessions() as session, session.begin():
        cluster = await reader.read(session)
    registry = CollectorRegistry(auto_describe=False)
    registry.register(ClusterCollector(cluster))
    body = generate_latest(registry)
    intake: IntakeMetrics | None = getattr(request.app.state, "intake_metrics", None)
    if intake is not None:
        body += generate_latest(intake.registry)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
