"""DingTalk group robot (钉钉自定义机器人): text messages @-mentioning phones, optional 加签."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any
from urllib.parse import quote_plus

import aiohttp

from coordinator.notify.base import Delivery, check_robot_answer, post_json
from coordinator.settings.notifications import RobotSettings


def sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature: base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}")), URL-quoted."""
    digest = hmac.new(
        secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return quote_plus(base64.b64encode(digest).decode())


def signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    if not secret:
        return url
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}timestamp={timestamp_ms}&sign={sign(secret, timestamp_ms)}"


def dingtalk_body(delivery: Delivery) -> dict[str, Any]:
    """A text message; the phones appear as @phone in the text, as DingTalk requires."""
    mentions = " ".join(f"@{phone}" for phone in delivery.mentions)
    content = f"{delivery.subject}\n{delivery.text}"
    return {
        "msgtype": "text",
        "text": {"content": f"{content}\n{mentions}" if mentions else content},
        "at": {"atMobiles": list(delivery.mentions), "isAtAll": False},
    }


class DingTalkRobot:
    def __init__(self, settings: RobotSettings, http: aiohttp.ClientSession) -> None:
        self.settings = settings
        self.http = http

    async def send(self, delivery: Delivery) -> None:
        now_ms = int(time.time() * 1000)
        url = signed_url(self.settings.url, self.settings.secret.get_secret_value(), now_ms)
        check_robot_answer(await post_json(self.http, url, dingtalk_body(delivery)))
