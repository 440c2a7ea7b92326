"""Bad webhook input over HTTP: each answers its 4xx naming the problem, queues nothing, never a 500."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import orjson
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.inbox.conftest import MAX_BODY_BYTES, sign

GOOD_RECORD = {"item_id": "460000000012345", "name": "x", "last_modified_time": "2026-01-06T08:00:00+0300"}


@dataclass(frozen=True)
class BadCase:
    body: bytes
    status: int
    message: str
    kept: bool  # passed verification, so the raw body is kept with status rejected
    path: str = "/webhooks/zoho/item"
    content_type: str = "application/json"
    signature: str | None = None  # None: a correct signature of the body
    omit_signature: bool = False
    headers: dict[str, str] = field(default_factory=dict)


CASES = {
    "not json": BadCase(b"{this is not json", 400, "not valid JSON", kept=True),
    "wrong content type": BadCase(
        b"<item/>", 415, "unsupported content type 'text/xml'", True, content_type="text/xml"
    ),
    "unknown entity": BadCase(
        orjson.dumps({"item": GOOD_RECORD}),
        404,
        "unknown entity 'gizmo'; accepted: item",
        True,
        path="/webhooks/zoho/gizmo",
    ),
    "missing id": BadCase(orjson.dumps({"item": {"name": "no id"}}), 422, "item_id", kept=True),
    "oversized body": BadCase(
        orjson.dumps({"item": {**GOOD_RECORD, "pad": "x" * MAX_BODY_BYTES}}),
        413,
        f"limit is {MAX_BODY_BYTES}",
        kept=False,
    ),
    "bad signature": BadCase(
        orjson.dumps({"item": GOOD_RECORD}), 401, "does not match", kept=False, signature="ab" * 32
    ),
    "missing signature": BadCase(
        orjson.dumps({"item": GOOD_RECORD}),
        401,
        "missing signature header X-Zoho-Webhook-Signature",
        kept=False,
        omit_signature=True,
    ),
    "entity mismatch": BadCase(
        orjson.dumps({"invoice": {"invoice_id": "1"}}),
        400,
        "URL is for 'contact' but the body carries 'invoice'",
        True,
        path="/webhooks/zoho/contact",
    ),
    "empty body": BadCase(b"", 400, "body is empty", kept=True),
    "json array": BadCase(b"[1, 2]", 400, "must be a JSON object", kept=True),
    "bad content length": BadCase(
        b"{}", 400, "Content-Length", kept=False, headers={"Content-Length": "abc"}
    ),
}


async def send(client: httpx.AsyncClient, case: BadCase) -> httpx.Response:
    headers = {"Content-Type": case.content_type, **case.headers}
    if not case.omit_signature:
        headers["X-Zoho-Webhook-Signature"] = case.signature or sign(case.body)
    return await client.post(case.path, content=case.body, headers=headers)


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
async def test_bad_input_answers_its_4xx_and_queues_nothing(
    client: httpx.AsyncClient, engine: AsyncEngine, counts, case: BadCase
) -> None:
    """Each bad request gets its status and a JSON message naming the problem; no queue row."""
    response = await send(client, case)
    assert response.status_code == case.status, response.text
    assert case.message in response.json()["detail"]
    counted = await counts()
    assert (counted.inbox, counted.queue) == (0, 0)
    assert counted.rejected == (1 if case.kept else 0)
    if case.kept:
        async with engine.connect() as conn:
            row = (await conn.execute(text("SELECT raw_body, error, status FROM tds.tds_inbox_events"))).one()
        assert row.raw_body == case.body.decode()
        assert case.message in row.error
        assert row.status == "rejected"


async def test_repeated_rejected_body_is_kept_once(client: httpx.AsyncClient, counts) -> None:
    """The same unusable body twice is kept in one rejected row."""
    case = CASES["not json"]
    assert (await send(client, case)).status_code == 400
    assert (await send(client, case)).status_code == 400
    assert (await counts()).rejected == 1


async def test_streamed_body_over_the_limit_is_refused_without_content_length(
    client: httpx.AsyncClient, counts
) -> None:
    """A chunked body with no Content-Length is cut off at the limit with 413."""

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(MAX_BODY_BYTES // 512 + 2):
            yield b" " * 512

    response = await client.post(
        "/webhooks/zoho/item", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert "over the limit" in response.json()["detail"]
    assert (await counts()).rejected == 0


async def test_nul_character_in_a_record_is_refused_not_a_500(client: httpx.AsyncClient, counts) -> None:
    """A record PostgreSQL cannot store (a NUL in a string) is a 400, kept as rejected."""
    body = orjson.dumps({"item": {**GOOD_RECORD, "name": "bad\u0000name"}})
    response = await client.post(
        "/webhooks/zoho/item",
        content=body,
        headers={"Content-Type": "application/json", "X-Zoho-Webhook-Signature": sign(body)},
    )
    assert response.status_code == 400, response.text
    assert "NUL" in response.json()["detail"]
    counted = await counts()
    assert (counted.inbox, counted.queue, counted.rejected) == (0, 0, 1)
