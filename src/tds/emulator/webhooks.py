"""Webhooks as Books configures them, and the HTTP request one change turns into (webhooks.md §7).

Default delivery: POST, `Content-Type: application/json`, body `{"<module_key>": <detail record>}`,
header `X-Com-Zoho-Organizationid`, the user's headers and query parameters, and
`X-Zoho-Webhook-Signature` when a secret is set. Options: form mode (`JSONString=<json>`), raw
template mode (`${JSONString}`, `${invoice.invoice_id}` placeholders), PUT or DELETE.

Deleted trigger (not documented by Zoho): the body is the record's last state under its module
key. By default (`deleted_as="query"`) it goes with the webhook's own method and `event=deleted`
appended to the query string; with `deleted_as="method"` it goes as an HTTP DELETE instead.
The check call sent on registration is `{"payload": ""}` (JSON) or `payload=` (form).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlencode

import httpx

from tds.emulator.responses import dump
from tds.emulator.signing import sign
from tds.emulator.store import Change
from tds.entities import catalog
from tds.errors import TdsError

ALL_EVENTS = ("created", "edited", "deleted")
FORM_TYPE = "application/x-www-form-urlencoded;charset=UTF-8"
# Zoho's sender looks like a Java HttpURLConnection; its default Accept shows in captured requests.
JAVA_ACCEPT = "text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2"
_SECRET = re.compile(r"[A-Za-z0-9]{12,50}")
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_]+)(?:\.([A-Za-z0-9_]+))?\}")


class InvalidWebhook(TdsError):
    """The webhook configuration is not one Books would accept."""

    status_code = 400


@dataclass
class WebhookConfig:
    """One webhook and the workflow rule that fires it (entities and events)."""

    url: str
    entities: list[str] | None = None  # None: every module that has workflow rules
    events: list[str] = field(default_factory=lambda: list(ALL_EVENTS))
    method: Literal["POST", "PUT", "DELETE"] = "POST"
    body: Literal["json", "form", "raw"] = "json"
    raw_template: str = "${JSONString}"
    raw_content_type: str = "application/json"
    secret: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    query_params: dict[str, str] = field(default_factory=dict)
    deleted_as: Literal["query", "method"] = "query"
    first_time_only: bool = False
    name: str = ""

    def validate(self) -> None:
        if self.secret is not None and not _SECRET.fullmatch(self.secret):
            raise InvalidWebhook("the secret must be 12-50 letters or digits", field="secret")
        if not self.url.startswith(("http://", "https://")):
            raise InvalidWebhook("the URL must be http(s)", field="url")
        for name in self.entities or ():
            spec = catalog.lookup(name)
            if spec is None or not spec.has_webhooks:
                raise InvalidWebhook(f"Books has no workflow rules for {name!r}", field="entities")
        events = set(self.events) - {"created_or_edited"}
        if not events <= set(ALL_EVENTS):
            raise InvalidWebhook(f"unknown events: {sorted(events - set(ALL_EVENTS))}", field="events")

    def wants(self, change: Change) -> bool:
        """The rule fires for this entity and event (`created_or_edited` means both)."""
        spec = change.spec
        if not spec.has_webhooks:
            return False
        if self.entities is not None and spec.name not in {catalog.get(e).name for e in self.entities}:
            return False
        events = set(self.events)
        if "created_or_edited" in events:
            events |= {"created", "edited"}
        return change.event in events


@dataclass(frozen=True)
class OutgoingRequest:
    method: str
    url: httpx.URL
    headers: dict[str, str]
    content: bytes


def build_request(config: WebhookConfig, organization_id: str, change: Change | None) -> OutgoingRequest:
    """The request for one change, or the empty check call when `change` is None."""
    method: str = config.method
    url = httpx.URL(config.url).copy_merge_params(config.query_params)
    if change is not None and change.event == "deleted":
        if config.deleted_as == "method":
            method = "DELETE"
        else:
            url = url.copy_add_param("event", "deleted")
    form, content, content_type = _body(config, change)
    headers = {
        "Content-Type": content_type,
        "Accept": JAVA_ACCEPT,
        "X-Com-Zoho-Organizationid": organization_id,
    }
    headers.update(config.headers)
    if config.secret:
        query = list(url.params.multi_items())
        signed_body = None if form else content
        headers["X-Zoho-Webhook-Signature"] = sign(config.secret, query, form, signed_body)
    return OutgoingRequest(method, url, headers, content)


def _body(config: WebhookConfig, change: Change | None) -> tuple[list[tuple[str, str]], bytes, str]:
    """(form pairs, body bytes, content type) for the webhook's body kind."""
    wrapped: dict[str, Any] = {"payload": ""}
    if change is not None:
        wrapped = {change.spec.module_key: change.record}
    json_text = dump(wrapped).decode()
    if config.body == "form":
        form = [("payload", "")] if change is None else [("JSONString", json_text)]
        return form, urlencode(form).encode(), FORM_TYPE
    if config.body == "raw" and change is not None:
        return [], render_template(config.raw_template, change, json_text).encode(), config.raw_content_type
    return [], json_text.encode(), "application/json"


def render_template(template: str, change: Change, json_text: str) -> str:
    """Fills `${JSONString}` and `${<module_key>.<field>}` placeholders."""

    def fill(match: re.Match[str]) -> str:
        key, name = match.group(1), match.group(2)
        if key == "JSONString" and name is None:
            return json_text
        if key == change.spec.module_key and name is not None:
            value = change.record.get(name, "")
            return value if isinstance(value, str) else dump(value).decode()
        return match.group(0)

    return _PLACEHOLDER.sub(fill, template)
