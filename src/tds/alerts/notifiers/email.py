"""Email over SMTP (aiosmtplib): STARTTLS or implicit TLS, optional login, plain text and HTML parts."""

from __future__ import annotations

import ssl
from email.message import EmailMessage

import aiosmtplib

from tds.alerts.notifiers.base import Notice, NotifyError, html_text, plain_text
from tds.config_operations import EmailChannel


class EmailNotifier:
    """Sends each notice as one multipart/alternative message to every recipient."""

    def __init__(
        self, channel: EmailChannel, timeout_s: float, tls_context: ssl.SSLContext | None = None
    ) -> None:
        self.channel = channel
        self.timeout_s = timeout_s
        self.tls_context = tls_context

    def message(self, notice: Notice) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.channel.sender
        message["To"] = ", ".join(self.channel.recipients)
        message["Subject"] = f"TDS Core {notice.title}: {notice.message}"[:250]
        message.set_content(plain_text(notice))
        message.add_alternative(html_text(notice), subtype="html")
        return message

    async def send(self, notice: Notice) -> None:
        channel = self.channel
        password = channel.password.get_secret_value() if channel.password else None
        try:
            await aiosmtplib.send(
                self.message(notice),
                hostname=channel.host,
                port=channel.port,
                username=channel.username,
                password=password,
                use_tls=channel.security == "tls",
                start_tls=channel.security == "starttls",
                validate_certs=channel.validate_certs,
                tls_context=self.tls_context,
                timeout=self.timeout_s,
            )
        except aiosmtplib.SMTPException as exc:
            raise NotifyError(f"SMTP {channel.host}:{channel.port} refused the message: {exc}") from exc
