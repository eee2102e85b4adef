"""Each channel against a real receiver on loopback: SMTP, DingTalk, WeCom, a JSON webhook."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

import aiohttp
import pytest
from pydantic import SecretStr

from coordinator.notify import Delivery, DeliveryError, build_channels
from coordinator.notify.base import check_robot_answer
from coordinator.notify.dingtalk import DingTalkRobot, sign
from coordinator.notify.smtp import EmailChannel
from coordinator.notify.webhook import SIGNATURE_HEADER, JsonWebhook
from coordinator.notify.wecom import WeComRobot
from coordinator.settings.notifications import WebhookSettings
from tests.notify import fixtures
from tests.notify.support import (
    DING_SECRET,
    HOOK_SECRET,
    Mailbox,
    Receiver,
    free_port,
    settings,
)

http, mailbox, receiver = fixtures.http, fixtures.mailbox, fixtures.receiver

DELIVERY = Delivery(
    id="reminder:s-music@2026-11-23:0:assistant:a-zhao:email:zhao@example.cn",
    channel="email",
    subject="【双师课堂】30分钟后上课：音乐",
    text="时间：11月23日（周一）08:00–08:40\n链接：https://meet.example.cn/c/x",
    address="zhao@example.cn",
    mentions=("13900000002",),
    data={"kind": "reminder", "lesson_key": "s-music@2026-11-23"},
)


def parsed(raw: bytes) -> EmailMessage:
    message = message_from_bytes(raw, policy=default)
    assert isinstance(message, EmailMessage)
    return message


async def test_email_reaches_the_smtp_server_in_utf8(mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    channel = EmailChannel(settings("http://unused", port).smtp)
    await channel.send(DELIVERY)
    (envelope,) = box.envelopes
    assert isinstance(envelope.content, bytes)
    message = parsed(envelope.content)
    body = message.get_content()
    assert envelope.rcpt_tos == ["zhao@example.cn"]
    assert message["Subject"] == "【双师课堂】30分钟后上课：音乐"
    assert "https://meet.example.cn/c/x" in body
    assert "08:00–08:40" in body


async def test_email_to_a_closed_port_is_a_delivery_error() -> None:
    channel = EmailChannel(settings("http://unused", free_port()).smtp)
    with pytest.raises(DeliveryError, match=r"SMTP 127\.0\.0\.1"):
        await channel.send(DELIVERY)


async def test_dingtalk_post_is_signed_and_mentions_the_phones(
    receiver: tuple[Receiver, str], http: aiohttp.ClientSession
) -> None:
    received, base = receiver
    robot = settings(base).robots["east"]
    await DingTalkRobot(robot, http).send(DELIVERY)
    ((_, query, _, body),) = received.to("/dingtalk")
    timestamp = query["timestamp"]
    expected = base64.b64encode(
        hmac.new(
            DING_SECRET.encode(), f"{timestamp}\n{DING_SECRET}".encode(), hashlib.sha256
        ).digest()
    ).decode()
    assert (query["access_token"], query["sign"]) == ("east", expected)
    assert json.loads(body) == {
        "msgtype": "text",
        "text": {"content": f"{DELIVERY.subject}\n{DELIVERY.text}\n@13900000002"},
        "at": {"atMobiles": ["13900000002"], "isAtAll": False},
    }


def test_dingtalk_signature_matches_the_documented_example_shape() -> None:
    # quote_plus of base64: '+' '/' '=' are escaped so the value survives in a query string
    value = sign("SECabc", 1_700_000_000_000)
    assert "+" not in value
    assert "/" not in value
    assert value.endswith("%3D")


async def test_wecom_post_mentions_mobiles(
    receiver: tuple[Receiver, str], http: aiohttp.ClientSession
) -> None:
    received, base = receiver
    await WeComRobot(settings(base).robots["west"], http).send(DELIVERY)
    ((_, query, _, body),) = received.to("/wecom")
    assert query == {"key": "west"}
    assert json.loads(body) == {
        "msgtype": "text",
        "text": {
            "content": f"{DELIVERY.subject}\n{DELIVERY.text}",
            "mentioned_mobile_list": ["13900000002"],
        },
    }


async def test_webhook_post_carries_the_message_and_its_signature(
    receiver: tuple[Receiver, str], http: aiohttp.ClientSession
) -> None:
    received, base = receiver
    await JsonWebhook(settings(base).webhooks["ops"], http).send(DELIVERY)
    ((_, _, headers, body),) = received.to("/hook")
    digest = hmac.new(HOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert headers[SIGNATURE_HEADER] == f"sha256={digest}"
    assert headers["Idempotency-Key"] == DELIVERY.id
    assert json.loads(body) == {
        "id": DELIVERY.id,
        "subject": DELIVERY.subject,
        "text": DELIVERY.text,
        "kind": "reminder",
        "lesson_key": "s-music@2026-11-23",
    }


async def test_webhook_answering_500_is_a_delivery_error(
    receiver: tuple[Receiver, str], http: aiohttp.ClientSession
) -> None:
    received, base = receiver
    received.fail["/hook"] = 1
    with pytest.raises(DeliveryError, match="HTTP 500"):
        await JsonWebhook(WebhookSettings(url=f"{base}/hook"), http).send(DELIVERY)


async def test_unreachable_webhook_is_a_delivery_error(http: aiohttp.ClientSession) -> None:
    hook = WebhookSettings(url=f"http://127.0.0.1:{free_port()}/hook", secret=SecretStr(""))
    with pytest.raises(DeliveryError, match="ClientConnectorError"):
        await JsonWebhook(hook, http).send(DELIVERY)


def test_robot_refusal_with_an_errcode_is_a_delivery_error() -> None:
    with pytest.raises(DeliveryError, match="310000"):
        check_robot_answer('{"errcode": 310000, "errmsg": "sign not match"}')


async def test_channels_built_are_the_configured_ones(http: aiohttp.ClientSession) -> None:
    configured = settings("http://127.0.0.1:1", 2525)
    without_mail = settings("http://127.0.0.1:1", channels=("robots",))
    assert sorted(build_channels(configured, http)) == [
        "email",
        "robot:county",
        "robot:east",
        "robot:west",
        "webhook:ops",
    ]
    assert sorted(build_channels(without_mail, http)) == [
        "robot:county",
        "robot:east",
        "robot:west",
    ]
