"""A generic JSON webhook: the structured message, optionally signed with HMAC-SHA256."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import aiohttp

from coordinator.notify.base import Delivery, post_json
from coordinator.settings.notifications import WebhookSettings

SIGNATURE_HEADER = "X-Coordinator-Signature"


def webhook_body(delivery: Delivery) -> dict[str, Any]:
    return {"id": delivery.id, "subject": delivery.subject, "text": delivery.text, **delivery.data}


def signature(secret: str, body: dict[str, Any]) -> str:
    """sha256=<hex> of the exact bytes sent (compact JSON, UTF-8)."""
    data = json.dumps(body, ensure_ascii=False).encode()
    return "sha256=" + hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()


class JsonWebhook:
    def __init__(self, settings: WebhookSettings, http: aiohttp.ClientSession) -> None:
        self.settings = settings
        self.http = http

    async def send(self, delivery: Delivery) -> None:
        body = webhook_body(delivery)
        secret = self.settings.secret.get_secret_value()
        headers = {"Idempotency-Key": delivery.id}
        if secret:
            headers[SIGNATURE_HEADER] = signature(secret, body)
        await post_json(self.http, self.settings.url, body, headers=headers)
