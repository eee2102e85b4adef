"""WeCom group robot (企业微信群机器人): text messages with `mentioned_mobile_list`."""

from __future__ import annotations

from typing import Any

import aiohttp

from coordinator.notify.base import Delivery, check_robot_answer, post_json
from coordinator.settings.notifications import RobotSettings


def wecom_body(delivery: Delivery) -> dict[str, Any]:
    return {
        "msgtype": "text",
        "text": {
            "content": f"{delivery.subject}\n{delivery.text}",
            "mentioned_mobile_list": list(delivery.mentions),
        },
    }


class WeComRobot:
    def __init__(self, settings: RobotSettings, http: aiohttp.ClientSession) -> None:
        self.settings = settings
        self.http = http

    async def send(self, delivery: Delivery) -> None:
        check_robot_answer(await post_json(self.http, self.settings.url, wecom_body(delivery)))
