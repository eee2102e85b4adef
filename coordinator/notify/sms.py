"""What both SMS providers need: the template's two fields from a message, phones as +86….

SMS goes through templates approved in advance: the message is reduced to `subject` and
`text` (each at most `FIELD_LIMIT` characters, as the providers limit template variables).
A message may carry its own short text in `data["sms_text"]`.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from coordinator.notify.base import Delivery, DeliveryError

FIELD_LIMIT = 35


def clip(text: str, limit: int = FIELD_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def sms_fields(delivery: Delivery) -> tuple[str, str]:
    """(subject, text) for the template: the subject, and the short text or the first line."""
    short = str(delivery.data.get("sms_text") or "")
    first = delivery.text.splitlines()[0] if delivery.text else ""
    return clip(delivery.subject), clip(short or first)


def e164(phone: str) -> str:
    """A mainland number as +86…; one with a country code as written."""
    digits = phone.strip().replace(" ", "").replace("-", "")
    return digits if digits.startswith("+") else f"+86{digits}"


async def post_for_json(
    http: aiohttp.ClientSession, url: str, *, data: bytes, headers: dict[str, str]
) -> dict[str, Any]:
    """POST and read the JSON answer whatever the HTTP status (errors come as JSON too)."""
    try:
        async with http.post(url, data=data, headers=headers) as response:
            text = await response.text()
            status = response.status
    except (aiohttp.ClientError, TimeoutError) as error:
        raise DeliveryError(f"{type(error).__name__}: {error}") from error
    try:
        answer = json.loads(text)
    except json.JSONDecodeError as error:
        raise DeliveryError(f"HTTP {status}, not JSON: {text[:200]!r}") from error
    if not isinstance(answer, dict):
        raise DeliveryError(f"HTTP {status}: {text[:200]!r}")
    return answer
