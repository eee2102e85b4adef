"""The one-to-one channels the settings configure: "wecom", "dingtalk" and "sms"."""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiohttp

from coordinator.notify.aliyun_sms import AliyunSms
from coordinator.notify.dingtalk_app import DingTalkApp
from coordinator.notify.tencent_sms import TencentSms
from coordinator.notify.tokens import TokenCache
from coordinator.notify.wecom_app import WeComApp
from coordinator.settings.notifications import NotificationSettings

if TYPE_CHECKING:
    from coordinator.notify.base import Channel


def person_channels(
    settings: NotificationSettings, http: aiohttp.ClientSession, tokens: TokenCache
) -> dict[str, Channel]:
    """WeCom and DingTalk apps, and SMS by Aliyun (preferred when both are set) or Tencent."""
    channels: dict[str, Channel] = {}
    if settings.uses("wecom") and settings.wecom.configured:
        channels["wecom"] = WeComApp(settings.wecom, http, tokens)
    if settings.uses("dingtalk") and settings.dingtalk.configured:
        channels["dingtalk"] = DingTalkApp(settings.dingtalk, http, tokens)
    if settings.uses("sms") and settings.aliyun_sms.configured:
        channels["sms"] = AliyunSms(settings.aliyun_sms, http)
    elif settings.uses("sms") and settings.tencent_sms.configured:
        channels["sms"] = TencentSms(settings.tencent_sms, http)
    return channels
