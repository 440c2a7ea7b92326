"""The webhook sender against a real localhost receiver: bodies, headers, signature, methods, check call."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any
from urllib.parse import parse_qsl

import httpx

from tds.emulator.service import Emulator
from tests.integration.emulator.conftest import Received, Receiver

SECRET = "s3cretKey0123456"


async def register(client: httpx.AsyncClient, receiver: Receiver, path: str = "/hook", **config: Any) -> dict:
    reply = await client.post("/__emulator__/webhooks", json={"url": receiver.url + path} | config)
    assert reply.status_code == 201, reply.text
    return dict(reply.json())


def first_id(emulator: Emulator, entity: str, id_field: str) -> str:
    return str(emulator.store.rows(entity)[0][id_field])


def expected_signature(request: Received) -> str:
    """The receiver's side of webhooks.md §4: sorted decoded query (+ form) pairs, then a JSON body."""
    pairs = list(request.query)
    body = request.body
    if request.headers["content-type"].startswith("application/x-www-form-urlencoded"):
        pairs += parse_qsl(request.body.decode(), keep_blank_values=True)
        body = b""
    message = "".join(k + v for k, v in sorted(pairs)).encode() + body
    return hmac.new(SECRET.encode(), message, hashlib.sha256).hexdigest()


class TestDeliveries:
    async def test_registering_sends_the_empty_check_call(
        self, client: httpx.AsyncClient, receiver: Receiver
    ) -> None:
        """Saving a webhook posts {"payload": ""} at once and reports the answer."""
        saved = await register(client, receiver)
        (check,) = receiver.requests
        assert (check.method, json.loads(check.body)) == ("POST", {"payload": ""})
        assert (saved["check"]["status"], saved["check"]["response_code"]) == ("delivered", 200)

    async def test_an_edit_delivers_the_detail_record_under_its_module_key(
        self, client: httpx.AsyncClient, receiver: Receiver, emulator: Emulator
    ) -> None:
        """POST JSON {"invoice": {...full record...}} with the org header and no event headers."""
        await register(client, receiver, entities=["invoice"])
        invoice_id = first_id(emulator, "invoice", "invoice_id")
        edited = await client.patch(
            f"/__emulator__/records/invoice/{invoice_id}", json={"fields": {"notes": "n"}}
        )
        assert (await client.post("/__emulator__/deliveries/drain")).json()["drained"] is True
        (event,) = receiver.events()
        body = json.loads(event.body)
        assert list(body) == ["invoice"]
        assert body["invoice"]["invoice_id"] == invoice_id
        assert body["invoice"]["line_items"]
        assert body["invoice"]["last_modified_time"] == edited.json()["changes"][0]["last_modified_time"]
        assert event.headers["content-type"] == "application/json"
        assert event.headers["x-com-zoho-organizationid"] == emulator.options.organization_id
        assert not [h for h in event.headers if "event" in h or "signature" in h or "delivery" in h]

    async def test_customer_payments_arrive_under_payment(
        self, client: httpx.AsyncClient, receiver: Receiver, emulator: Emulator
    ) -> None:
        """The module key of a customer payment is `payment`."""
        await register(client, receiver)
        await emulator.mutator.edit("customerpayment")
        await emulator.webhooks.drain()
        (event,) = receiver.events()
        assert list(json.loads(event.body)) == ["payment"]

    async def test_created_and_deleted_records_are_delivered(
        self, client: httpx.AsyncClient, receiver: Receiver, emulator: Emulator
    ) -> None:
        """Created arrives plain; deleted carries the last state with `event=deleted` by POST."""
        await register(client, receiver, entities=["item"])
        (created,) = await emulator.mutator.create("item")
        await emulator.mutator.delete("item", created.record_id)
        await emulator.webhooks.drain()
        first, second = receiver.events()
        assert (first.method, first.query) == ("POST", [])
        assert (second.method, second.query) == ("POST", [("event", "deleted")])
        assert json.loads(second.body)["item"]["item_id"] == created.record_id

    async def test_deleted_can_be_sent_as_http_delete(
        self, client: httpx.AsyncClient, receiver: Receiver, emulator: Emulator
    ) -> None:
        """deleted_as=method sends the last state with method DELETE and no event parameter."""
        await register(client, receiver, entities=["bill"], deleted_as="method")
        await emulator.mutator.delete("bill", first_id(emulator, "bill", "bill_id"))
        await emulator.webhooks.drain()
        (event,) = receiver.events()
        assert (event.method, event.query) == ("DELETE", [])
        assert "bill" in json.loads(event.body)

    async def test_put_method_headers_and_query_params_are_applied(
        self, client: httpx.AsyncClient, receiver: Receiver, emulator: Emulator
    ) -> None:
        """The webhook's method, user headers and query parameters (a shared token) go along."""
        await register(
            client, receiver, method="PUT", headers={"X-Api-Key": "k1"}, query_params={"token": "shared"}
        )
        await emulator.mutator.edit("contact")
        await emulator.webhooks.drain()
        (event,) = receiver.events()
        assert event.method == "PUT"
        assert event.headers["x-api-key"] == "k1"
        assert event.query == [("token", "shared")]

    async def test_form_mode_sends_jsonstring(
        self, client: httpx.AsyncClient, receiver: Receiver, emulator: Emulator
    ) -> None:
        """body=form posts JSONString=<json> as x-www-form-urlencoded; its check call is payload=."""
        await register(client, receiver, body="form", entities=["salesorder"])
        await emulator.mutator.edit("salesorder")
        await emulator.webhooks.drain()
        check, event = receiver.requests
        assert check.body == b"payload="
        assert event.headers["content-type"] == "application/x-www-form-urlencoded;charset=UTF-8"
        (field,) = parse_qsl(event.body.decode())
        assert field[0] == "JSONString"
        assert "salesorder_id" in json.loads(field[1])["salesorder"]

    async def test_raw_template_fills_placeholders(
        self, client: httpx.AsyncClient, receiver: Receiver, emulator: Emulator
    ) -> None:
        """body=raw renders the user's template with ${item.item_id} style placeholders."""
        await register(
            client, receiver, body="raw", raw_template='{"id": "${item.item_id}"}', entities=["item"]
        )
        (change,) = await emulator.mutator.edit("item", fields={"rate": 5.0})
        await emulator.webhooks.drain()
        (event,) = receiver.events()
        assert json.loads(event.body) == {"id": change.record_id}

    async def test_pull_only_modules_send_nothing(
        self, client: httpx.AsyncClient, receiver: Receiver, emulator: Emulator
    ) -> None:
        """Price lists, warehouses and users have no workflow rules, so no webhooks."""
        await register(client, receiver)
        for entity in ("pricebook", "warehouse", "user"):
            await emulator.mutator.edit(entity)
        await emulator.webhooks.drain()
        assert receiver.events() == []

    async def test_event_and_first_time_filters(
        self, client: httpx.AsyncClient, receiver: Receiver, emulator: Emulator
    ) -> None:
        """events=[edited] ignores creates; first_time_only fires once per record."""
        await register(client, receiver, entities=["contact"], events=["edited"], first_time_only=True)
        contact_id = first_id(emulator, "contact", "contact_id")
        await emulator.mutator.create("contact")
        await emulator.mutator.edit("contact", contact_id)
        await emulator.mutator.edit("contact", contact_id)
        await emulator.webhooks.drain()
        assert [json.loads(e.body)["contact"]["contact_id"] for e in receiver.events()] == [contact_id]


class TestSignature:
    async def test_signature_verifies_for_json_bodies_and_query_params(
        self, client: httpx.AsyncClient, receiver: Receiver, emulator: Emulator
    ) -> None:
        """Every delivery (check, edit, delete with event=deleted) signs sorted query pairs + raw body."""
        await register(client, receiver, entities=["invoice"], secret=SECRET, query_params={"token": "t0k"})
        invoice_id = first_id(emulator, "invoice", "invoice_id")
        await emulator.mutator.edit("invoice", invoice_id)
        await emulator.mutator.delete("invoice", invoice_id)
        await emulator.webhooks.drain()
        assert len(receiver.requests) == 3
        for request in receiver.requests:
            assert request.headers["x-zoho-webhook-signature"] == expected_signature(request)

    async def test_signature_verifies_for_form_bodies(
        self, client: httpx.AsyncClient, receiver: Receiver, emulator: Emulator
    ) -> None:
        """Form bodies sign their decoded fields sorted with the query, no raw body."""
        await register(client, receiver, body="form", secret=SECRET, entities=["bill"])
        await emulator.mutator.edit("bill")
        await emulator.webhooks.drain()
        (event,) = receiver.events()
        assert event.headers["x-zoho-webhook-signature"] == expected_signature(event)

    async def test_a_tampered_body_does_not_verify(
        self, client: httpx.AsyncClient, receiver: Receiver, emulator: Emulator
    ) -> None:
        """The signature covers the body: one changed byte breaks it."""
        await register(client, receiver, secret=SECRET)
        await emulator.mutator.edit("item")
        await emulator.webhooks.drain()
        (event,) = receiver.events()
        tampered = Received(event.method, event.path, event.query, event.headers, event.body + b" ", event.at)
        assert event.headers["x-zoho-webhook-signature"] != expected_signature(tampered)

    async def test_unsigned_webhooks_carry_no_signature_and_bad_secrets_are_refused(
        self, client: httpx.AsyncClient, receiver: Receiver
    ) -> None:
        """No secret, no header; a secret Books would not accept is a 400."""
        await register(client, receiver)
        assert "x-zoho-webhook-signature" not in receiver.requests[0].headers
        reply = await client.post("/__emulator__/webhooks", json={"url": receiver.url, "secret": "short"})
        assert reply.status_code == 400
