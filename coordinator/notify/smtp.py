"""E-mail through an SMTP server (smtplib in a thread): plain, STARTTLS or implicit TLS."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate

from coordinator.notify.base import Delivery, DeliveryError
from coordinator.settings.notifications import SmtpSettings

log = logging.getLogger(__name__)


def email_message(settings: SmtpSettings, delivery: Delivery) -> EmailMessage:
    """A UTF-8 text e-mail whose Message-ID follows from the outbox id (retries keep it)."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = delivery.address
    message["Subject"] = delivery.subject
    message["Date"] = formatdate(usegmt=True)
    digest = hashlib.sha256(delivery.id.encode()).hexdigest()[:32]
    message["Message-ID"] = f"<{digest}@coordinator>"
    message.set_content(delivery.text, charset="utf-8", cte="base64")  # 7-bit safe
    return message


class EmailChannel:
    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    async def send(self, delivery: Delivery) -> None:
        if not delivery.address:
            raise DeliveryError(f"{delivery.id}: no e-mail address")
        message = email_message(self.settings, delivery)
        try:
            await asyncio.to_thread(self._send, message)
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryError(
                f"SMTP {self.settings.host}:{self.settings.port}: {error}"
            ) from error
        log.debug("mailed %s to %s", delivery.id, delivery.address)

    def _send(self, message: EmailMessage) -> None:
        settings = self.settings
        context = ssl.create_default_context()
        client: smtplib.SMTP
        if settings.security == "tls":
            client = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout_s, context=context
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_s)
        with client:
            if settings.security == "starttls":
                client.starttls(context=context)
            if settings.username:
                client.login(settings.username, settings.password.get_secret_value())
            client.send_message(message)
