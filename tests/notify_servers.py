"""Real local servers standing in for the outside world of notifications: HTTP receivers and SMTP."""

from __future__ import annotations

import asyncio
import json
import ssl
import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

import trustme
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class HttpReceiver:
    """An HTTP/1.1 server on a free port that records every request and answers from a script.

    `answers` is consumed one per request ((status, body)); when it is empty every answer is `default`.
    """

    answers: list[tuple[int, bytes]] = field(default_factory=list)
    default: tuple[int, bytes] = (200, b'{"ok": true}')
    requests: list[Received] = field(default_factory=list)
    port: int = 0
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, path, _ = lines[0].split(" ", 2)
            headers = {
                k.strip().lower(): v.strip() for k, v in (ln.split(":", 1) for ln in lines[1:] if ":" in ln)
            }
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            self.requests.append(Received(method, path, headers, body))
            self.arrived.set()
            status, answer = self.answers.pop(0) if self.answers else self.default
            writer.write(
                f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {len(answer)}\r\n"
                "Connection: close\r\n\r\n".encode()
                + answer
            )
            await writer.drain()
        finally:
            writer.close()

    async def wait_for(self, count: int, timeout_s: float = 10.0) -> list[Received]:
        async with asyncio.timeout(timeout_s):
            while len(self.requests) < count:
                self.arrived.clear()
                await self.arrived.wait()
        return self.requests


@asynccontextmanager
async def http_receiver(**kwargs: Any) -> AsyncIterator[HttpReceiver]:
    receiver = HttpReceiver(**kwargs)
    server = await asyncio.start_server(receiver.handle, "127.0.0.1", 0)
    receiver.port = server.sockets[0].getsockname()[1]
    try:
        yield receiver
    finally:
        server.close()
        await server.wait_closed()


@dataclass
class MailBox:
    """What the SMTP server accepted: envelopes and parsed messages, and the logins it saw."""

    envelopes: list[Envelope] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        self.arrived.set()
        return "250 OK"

    @property
    def messages(self) -> list[Message]:
        return [message_from_bytes(e.original_content or b"") for e in self.envelopes]


@dataclass
class SmtpServer:
    port: int
    mailbox: MailBox
    client_tls: ssl.SSLContext


@asynccontextmanager
async def smtp_server(
    *, security: str, username: str | None = None, password: str | None = None
) -> AsyncIterator[SmtpServer]:
    """aiosmtpd on a free port: STARTTLS required (`starttls`), implicit TLS (`tls`) or plain (`none`)."""
    ca = trustme.CA()
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(server_tls)
    client_tls = ssl.create_default_context()
    ca.configure_trust(client_tls)
    mailbox = MailBox()

    def authenticate(
        server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        if isinstance(data, LoginPassword):
            login = (data.login.decode(), data.password.decode())
            mailbox.logins.append(login)
            return AuthResult(success=login == (username, password), handled=False)
        return AuthResult(success=False, handled=False)

    def factory() -> SMTP:
        with warnings.catch_warnings():  # aiosmtpd warns of AUTH without STARTTLS; implicit TLS is encrypted
            warnings.simplefilter("ignore")
            return _smtp()

    def _smtp() -> SMTP:
        return SMTP(
            mailbox,
            hostname="127.0.0.1",
            tls_context=server_tls if security == "starttls" else None,
            require_starttls=security == "starttls",
            auth_required=username is not None,
            auth_require_tls=security == "starttls",  # implicit TLS: the transport is already encrypted
            authenticator=authenticate if username is not None else None,
        )

    ssl_arg = server_tls if security == "tls" else None
    server = await asyncio.get_running_loop().create_server(factory, "127.0.0.1", 0, ssl=ssl_arg)
    try:
        yield SmtpServer(server.sockets[0].getsockname()[1], mailbox, client_tls)
    finally:
        server.close()
        await server.wait_closed()
