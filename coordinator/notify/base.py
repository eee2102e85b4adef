"""What every channel takes (a `Delivery`) and how the configured channels are built."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import aiohttp

from coordinator.errors import CoordinatorError
from coordinator.settings.notifications import NotificationSettings

if TYPE_CHECKING:
    from coordinator.notify.tokens import TokenCache


class DeliveryError(CoordinatorError):
    """A channel could not hand a message over; the outbox tries again unless `permanent`
    (an unknown user id, a refused template: trying again cannot help)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True, slots=True)
class Receipt:
    """What a provider answered to an accepted message: its id there (task id, BizId, msgid)
    and whether its delivery can be asked for later (`Tracking.check`)."""

    provider_id: str
    trackable: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    """A provider's later word on a sent message: delivered, failed (with its error), or not
    known yet (`state` "sent")."""

    state: str  # delivered | failed | sent
    error: str = ""


@dataclass(frozen=True, slots=True)
class Delivery:
    """One message for one channel: the outbox row, as the channel needs it."""

    id: str
    channel: str  # email | robot:NAME | webhook:NAME
    subject: str
    text: str
    address: str = ""  # the e-mail address (email only)
    mentions: tuple[str, ...] = ()  # phone numbers to @-mention (robots)
    data: dict[str, Any] = field(default_factory=dict)  # the structured message (webhooks)


class Channel(Protocol):
    async def send(self, delivery: Delivery) -> Receipt | None:
        """Hand the message over or raise DeliveryError; the provider's receipt if it gives one."""


@runtime_checkable
class Tracking(Protocol):
    async def check(self, delivery: Delivery, receipt: Receipt) -> Outcome:
        """Ask the provider what became of a message it accepted."""


async def post_json(
    http: aiohttp.ClientSession,
    url: str,
    body: dict[str, Any],
    *,
    headers: dict[str, str] | None = None,
) -> str:
    """POST a JSON body; the response text, or DeliveryError for a refusal or no answer."""
    data = json.dumps(body, ensure_ascii=False).encode()
    all_headers = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
    try:
        async with http.post(url, data=data, headers=all_headers) as response:
            text = await response.text()
            if response.status >= 300:
                raise DeliveryError(f"HTTP {response.status}: {text[:200]}")
            return text
    except (aiohttp.ClientError, TimeoutError) as error:
        raise DeliveryError(f"{type(error).__name__}: {error}") from error


def check_robot_answer(text: str) -> None:
    """DingTalk and WeCom answer 200 with {"errcode": 0} on success, another code on refusal."""
    try:
        answer = json.loads(text)
    except json.JSONDecodeError as error:
        raise DeliveryError(f"robot answered non-JSON: {text[:200]!r}") from error
    if not isinstance(answer, dict) or answer.get("errcode", 0) != 0:
        raise DeliveryError(f"robot refused: {text[:200]}")


def build_channels(
    settings: NotificationSettings,
    http: aiohttp.ClientSession,
    tokens: TokenCache | None = None,
) -> dict[str, Channel]:
    """Every configured channel by name: "email", "robot:NAME", "webhook:NAME", and with a
    token cache the one-to-one "wecom", "dingtalk" and "sms"."""
    from coordinator.notify import dingtalk, smtp, webhook, wecom
    from coordinator.notify.person_channels import person_channels

    channels: dict[str, Channel] = {}
    if settings.uses("email") and settings.smtp.configured:
        channels["email"] = smtp.EmailChannel(settings.smtp)
    if settings.uses("robots"):
        for name, robot in settings.robots.items():
            kind = dingtalk.DingTalkRobot if robot.kind == "dingtalk" else wecom.WeComRobot
            channels[f"robot:{name}"] = kind(robot, http)
    if settings.uses("webhooks"):
        for name, hook in settings.webhooks.items():
            channels[f"webhook:{name}"] = webhook.JsonWebhook(hook, http)
    if tokens is not None:
        channels.update(person_channels(settings, http, tokens))
    return channels
