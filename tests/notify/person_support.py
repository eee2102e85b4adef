"""The loopback providers as a fixture, settings pointing at them, and deliveries to send."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from pydantic import SecretStr
from pytest_aiohttp import AiohttpServer

from coordinator.notify import Delivery
from coordinator.settings.notifications import NotificationSettings, RetrySettings
from coordinator.settings.person_channels import (
    AliyunSmsSettings,
    DingTalkAppSettings,
    TencentSmsSettings,
    TokenSettings,
    WeComAppSettings,
)
from tests.notify import providers as fake


@pytest.fixture
async def providers(aiohttp_server: AiohttpServer) -> tuple[fake.Providers, str]:
    """The four providers on one loopback server, and its base URL."""
    stand_ins = fake.Providers()
    server: TestServer = await aiohttp_server(stand_ins.app())
    return stand_ins, str(server.make_url("")).rstrip("/")


def person_settings(base: str, **changes: Any) -> NotificationSettings:
    values: dict[str, Any] = {
        "wecom": WeComAppSettings(
            base_url=f"{base}/wecom",
            corpid=fake.CORPID,
            agentid=fake.AGENTID,
            secret=SecretStr(fake.WECOM_SECRET),
        ),
        "dingtalk": DingTalkAppSettings(
            base_url=f"{base}/dingtalk",
            api_base_url=f"{base}/dingapi",
            appkey=fake.APPKEY,
            agent_id=fake.DING_AGENT,
            appsecret=SecretStr(fake.DING_SECRET),
        ),
        "aliyun_sms": AliyunSmsSettings(
            base_url=f"{base}/aliyun",
            access_key_id=fake.ALI_ID,
            access_key_secret=SecretStr(fake.ALI_SECRET),
            sign_name="双师课堂",
            template_code="SMS_100001",
        ),
        "tencent_sms": TencentSmsSettings(
            base_url=f"{base}/tencent",
            secret_id=fake.TC_ID,
            secret_key=SecretStr(fake.TC_SECRET),
            sdk_app_id="1400006666",
            sign_name="双师课堂",
            template_id="100002",
        ),
        "tokens": TokenSettings(lease_s=5, wait_step_s=0.05),
        "retry": RetrySettings(first_delay_s=0, max_attempts=3),
        "send_timeout_s": 5,
        "receipt_delay_s": 60,
    }
    values.update(changes)
    return NotificationSettings(**values)


def delivery(channel: str, address: str, **data: Any) -> Delivery:
    return Delivery(
        id=f"change:s-music@2026-12-08:3:teacher:t-li:{channel}:{address}",
        channel=channel,
        subject="【课程变更】音乐 三年级",
        text="周二 09:10 → 周三 15:00\n教室：东村小学 三年级\n代课：韩雪",
        address=address,
        data={"kind": "change", "link": "https://kc.example.cn/lessons/s-music@2026-12-08"},
    )
