"""Zoho webhook intake over HTTP: bounded read, verification, then the inbox+queue transaction.

Order of checks: Content-Length and the bytes actually read against `max_body_bytes` (413), then
verification over the raw body (401), then entity, content type and body (404/415/400/422). A body
refused after verification is still kept in the inbox with status `rejected` for triage. Nothing
but the inbox and queue rows is written in the request; concurrent deliveries share a transaction
through the InboxBatcher (group commit), and each answer waits for its rows' commit.

`/api/tds/webhooks/{name}` serves the earlier integration's URLs: the name picks the entity (an
unknown name is 404 at once, like any unknown URL), then the same `receive` runs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import orjson
from fastapi import APIRouter, Request, Response

from tds.bootstrap import Container
from tds.entities.catalog import ENTITIES, lookup
from tds.errors import InvalidPayload, PayloadTooLarge, VerificationFailed, WebhookError
from tds.inbox.batcher import InboxBatcher
from tds.inbox.intake import WEBHOOK_SOURCE, headers_of_note, parse_delivery
from tds.inbox.legacy import LEGACY_PREFIX, legacy_entity
from tds.inbox.normalize import CheckCall
from tds.inbox.service import InboxService
from tds.inbox.verification import WebhookVerifier

log = logging.getLogger(__name__)

router = APIRouter(prefix="/webhooks/zoho", tags=["webhooks"])
legacy_router = APIRouter(prefix=LEGACY_PREFIX, tags=["webhooks"])


@dataclass(frozen=True)
class WebhookIntake:
    """What the webhook endpoint needs, built once per application."""

    container: Container
    verifier: WebhookVerifier
    inbox: InboxService
    batcher: InboxBatcher
    max_body_bytes: int


def get_intake(request: Request) -> WebhookIntake:
    intake: WebhookIntake | None = getattr(request.app.state, "webhook_intake", None)
    if intake is None:
        container: Container = request.app.state.container
        inbox = InboxService(max_attempts=container.settings.worker.max_attempts)
        intake = WebhookIntake(
            container=container,
            verifier=WebhookVerifier(container.settings.webhooks),
            inbox=inbox,
            batcher=InboxBatcher(container.sessions, inbox),
            max_body_bytes=container.settings.webhooks.max_body_bytes,
        )
        request.app.state.webhook_intake = intake
    return intake


@router.get("")
async def list_entities() -> dict[str, object]:
    """The entities a webhook URL may name: canonical names, their aliases and module keys."""
    entities = [
        {
            "name": spec.name,
            "module_key": spec.module_key,
            "id_field": spec.id_field,
            "aliases": list(spec.aliases),
            "zoho_sends_webhooks": spec.has_webhooks,
            "url": f"{router.prefix}/{spec.name}",
        }
        for spec in ENTITIES
    ]
    return {"entities": entities}


async def receive(entity: str, request: Request) -> Response:
    """Receives one Zoho delivery: 202 accepted, 200 duplicate or check call, 4xx naming the problem."""
    intake = get_intake(request)
    body = await read_body(request, intake.max_body_bytes)
    content_type = request.headers.get("content-type")
    _verify(intake, request, entity, body, content_type)
    kept_headers = headers_of_note(request.headers)
    try:
        delivery = parse_delivery(
            entity,
            body,
            content_type=content_type,
            method=request.method,
            query_event=request.query_params.get("event"),
            headers=kept_headers,
        )
        if isinstance(delivery, CheckCall):
            return _json({"status": "ignored", "reason": "check call"}, 200)
        result = await intake.batcher.accept(delivery)
    except WebhookError as exc:
        await _keep_rejected(intake, entity, body, kept_headers, exc)
        raise
    if result.is_new:
        return _json({"status": "accepted", "event_id": result.event_id}, 202)
    return _json({"status": "duplicate", "event_id": result.event_id}, 200)


async def receive_legacy(name: str, request: Request) -> Response:
    """The earlier integration's URL for one module (`products`, `orders`, …): the same intake."""
    return await receive(legacy_entity(name).name, request)


for _method in ("POST", "PUT", "DELETE"):
    router.add_api_route(
        "/{entity}",
        receive,
        methods=[_method],
        status_code=202,
        operation_id=f"receive_webhook_{_method.lower()}",
        name=f"receive_webhook_{_method.lower()}",
    )
    legacy_router.add_api_route(
        "/{name}",
        receive_legacy,
        methods=[_method],
        status_code=202,
        operation_id=f"receive_legacy_webhook_{_method.lower()}",
        name=f"receive_legacy_webhook_{_method.lower()}",
    )


def _verify(
    intake: WebhookIntake, request: Request, entity: str, body: bytes, content_type: str | None
) -> None:
    try:
        intake.verifier.verify(body, request.headers, request.query_params.multi_items(), content_type)
    except VerificationFailed as exc:
        client = request.client.host if request.client else "unknown"
        log.warning("webhook for %s from %s refused: %s", entity, client, exc.message)
        raise


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused (413) as soon as the declared or the actual size passes `limit`."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            declared_size = int(declared)
        except ValueError as exc:
            raise InvalidPayload(f"Content-Length '{declared}' is not a number") from exc
        if declared_size > limit:
            raise PayloadTooLarge(f"the body is {declared_size} bytes; the limit is {limit}", limit=limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"the body is over the limit of {limit} bytes", limit=limit)
        chunks.append(chunk)
    return b"".join(chunks)


async def _keep_rejected(
    intake: WebhookIntake, entity: str, body: bytes, headers: dict[str, str], exc: WebhookError
) -> None:
    spec = lookup(entity)
    async with intake.container.sessions() as session, session.begin():
        event_id = await intake.inbox.reject(
            session,
            source=WEBHOOK_SOURCE,
            path_entity=entity,
            entity=None if spec is None else spec.name,
            raw_body=body,
            headers=headers,
            error=f"{exc.status_code} {exc.message}",
        )
    log.info(
        "webhook for %s rejected (%s): %s; inbox event %s", entity, exc.status_code, exc.message, event_id
    )


def _json(content: dict[str, object], status_code: int) -> Response:
    return Response(orjson.dumps(content), status_code=status_code, media_type="application/json")
