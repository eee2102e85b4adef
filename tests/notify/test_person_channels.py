"""The one-to-one channels against loopback providers that check tokens and signatures."""

from __future__ import annotations

import json

import aiohttp
import pytest

from coordinator.notify import DeliveryError, build_channels
from coordinator.notify.aliyun_sms import AliyunSms
from coordinator.notify.base import Outcome, Receipt
from coordinator.notify.dingtalk_app import DingTalkApp
from coordinator.notify.tencent_sms import TencentSms
from coordinator.notify.wecom_app import WeComApp
from coordinator.services.notifications.access_tokens import DatabaseTokens
from coordinator.settings.person_channels import AliyunSmsSettings, TencentSmsSettings
from coordinator.store import Store
from tests.notify import fixtures
from tests.notify import providers as fake
from tests.notify.person_support import delivery, person_settings, providers

http = fixtures.http
__all__ = ["http", "providers"]

Stand = tuple[fake.Providers, str]


def wecom(base: str, http: aiohttp.ClientSession, store: Store) -> WeComApp:
    settings = person_settings(base)
    return WeComApp(settings.wecom, http, DatabaseTokens(store, settings.tokens))


def dingtalk(base: str, http: aiohttp.ClientSession, store: Store) -> DingTalkApp:
    settings = person_settings(base)
    return DingTalkApp(settings.dingtalk, http, DatabaseTokens(store, settings.tokens))


async def test_wecom_sends_a_textcard_to_the_member(
    providers: Stand, http: aiohttp.ClientSession, store: Store
) -> None:
    stand, base = providers
    receipt = await wecom(base, http, store).send(delivery("wecom", "lixiuying"))
    (sent,) = stand.wecom.sent
    assert receipt == Receipt("m1")
    assert (sent["touser"], sent["msgtype"], sent["agentid"]) == ("lixiuying", "textcard", 1000002)
    assert sent["textcard"]["url"] == "https://kc.example.cn/lessons/s-music@2026-12-08"
    assert sent["textcard"]["description"].startswith("周二 09:10 → 周三 15:00<br>")


async def test_wecom_token_is_fetched_once_for_every_process(
    providers: Stand, http: aiohttp.ClientSession, store: Store
) -> None:
    """Two channels with caches of their own (as two processes) share the stored token."""
    stand, base = providers
    await wecom(base, http, store).send(delivery("wecom", "lixiuying"))
    await wecom(base, http, store).send(delivery("wecom", "hanxue"))
    assert stand.calls["/wecom/cgi-bin/gettoken"] == 1
    assert len(stand.wecom.sent) == 2


async def test_wecom_expired_token_is_refreshed_once_and_the_send_repeated(
    providers: Stand, http: aiohttp.ClientSession, store: Store
) -> None:
    stand, base = providers
    channel = wecom(base, http, store)
    await channel.send(delivery("wecom", "lixiuying"))
    stand.wecom.tokens.expire_all()  # 42001 from now on for the token in the database
    await channel.send(delivery("wecom", "hanxue"))
    assert stand.calls["/wecom/cgi-bin/gettoken"] == 2
    assert stand.calls["/wecom/cgi-bin/message/send"] == 3
    assert [m["touser"] for m in stand.wecom.sent] == ["lixiuying", "hanxue"]


async def test_wecom_revoked_token_is_replaced(
    providers: Stand, http: aiohttp.ClientSession, store: Store
) -> None:
    stand, base = providers
    channel = wecom(base, http, store)
    await channel.send(delivery("wecom", "lixiuying"))
    stand.wecom.tokens.revoke_all()  # 40014: the token is unknown before its time
    await channel.send(delivery("wecom", "hanxue"))
    assert stand.wecom.tokens.issued == 2
    assert len(stand.wecom.sent) == 2


async def test_wecom_rate_limit_is_retried_later_not_given_up(
    providers: Stand, http: aiohttp.ClientSession, store: Store
) -> None:
    stand, base = providers
    stand.wecom.per_user_limit = 1
    channel = wecom(base, http, store)
    await channel.send(delivery("wecom", "lixiuying"))
    with pytest.raises(DeliveryError, match="45009") as raised:
        await channel.send(delivery("wecom", "lixiuying"))
    assert raised.value.permanent is False


async def test_wecom_unknown_member_fails_for_good(
    providers: Stand, http: aiohttp.ClientSession, store: Store
) -> None:
    _, base = providers
    with pytest.raises(DeliveryError, match="81013") as raised:
        await wecom(base, http, store).send(delivery("wecom", "nobody"))
    assert raised.value.permanent is True


async def test_wecom_wrong_secret_names_the_provider_answer(
    providers: Stand, http: aiohttp.ClientSession, store: Store
) -> None:
    _, base = providers
    settings = person_settings(base)
    wrong = settings.wecom.model_copy(update={"corpid": "ww-other"})
    channel = WeComApp(wrong, http, DatabaseTokens(store, settings.tokens))
    with pytest.raises(DeliveryError, match="40001"):
        await channel.send(delivery("wecom", "lixiuying"))


async def test_dingtalk_notice_is_delivered_per_getsendresult(
    providers: Stand, http: aiohttp.ClientSession, store: Store
) -> None:
    stand, base = providers
    channel = dingtalk(base, http, store)
    message = delivery("dingtalk", "0123lixiuying")
    receipt = await channel.send(message)
    assert receipt.trackable
    task = stand.dingtalk.tasks[int(receipt.provider_id)]
    assert task["unread_user_id_list"] == ["0123lixiuying"]
    assert await channel.check(message, receipt) == Outcome("delivered")


async def test_dingtalk_over_limit_send_answers_success_then_reports_failure(
    providers: Stand, http: aiohttp.ClientSession, store: Store
) -> None:
    """The same content twice a day: DingTalk says ok, getsendresult says forbidden 143105."""
    _, base = providers
    channel = dingtalk(base, http, store)
    message = delivery("dingtalk", "0123lixiuying")
    await channel.send(message)
    again = await channel.send(message)
    assert await channel.check(message, again) == Outcome(
        "failed", "DingTalk forbidden_user_id_list (code 143105)"
    )


async def test_dingtalk_expired_token_is_refreshed_for_the_result_too(
    providers: Stand, http: aiohttp.ClientSession, store: Store
) -> None:
    stand, base = providers
    channel = dingtalk(base, http, store)
    message = delivery("dingtalk", "0456hanxue")
    receipt = await channel.send(message)
    stand.dingtalk.tokens.expire_all()
    assert (await channel.check(message, receipt)).state == "delivered"
    assert stand.calls["/dingtalk/gettoken"] == 2


async def test_aliyun_sms_is_signed_and_its_failure_comes_later(
    providers: Stand, http: aiohttp.ClientSession
) -> None:
    stand, base = providers
    stand.aliyun.fail_later.add("13900000002")
    channel = AliyunSms(person_settings(base).aliyun_sms, http)
    fine, lost = delivery("sms", "13900000001"), delivery("sms", "13900000002")
    fine_receipt, lost_receipt = await channel.send(fine), await channel.send(lost)
    sent = stand.aliyun.sent[0]
    assert (sent["SignName"], sent["TemplateCode"]) == ("双师课堂", "SMS_100001")
    assert json.loads(sent["TemplateParam"]) == {
        "subject": "【课程变更】音乐 三年级",
        "text": "周二 09:10 → 周三 15:00",
    }
    assert await channel.check(fine, fine_receipt) == Outcome("delivered")
    assert await channel.check(lost, lost_receipt) == Outcome(
        "failed", "Aliyun SMS ErrCode MOBILE_NOT_ON_SERVICE"
    )


async def test_aliyun_sms_with_a_wrong_secret_is_refused_by_the_signature_check(
    providers: Stand, http: aiohttp.ClientSession
) -> None:
    _, base = providers
    settings = AliyunSmsSettings.model_validate(
        {**person_settings(base).aliyun_sms.model_dump(), "access_key_secret": "guessed"}
    )
    with pytest.raises(DeliveryError, match="SignatureDoesNotMatch"):
        await AliyunSms(settings, http).send(delivery("sms", "13900000001"))


async def test_aliyun_sms_daily_limit_is_retried_later(
    providers: Stand, http: aiohttp.ClientSession
) -> None:
    stand, base = providers
    stand.aliyun.daily_limit = 1
    channel = AliyunSms(person_settings(base).aliyun_sms, http)
    await channel.send(delivery("sms", "13900000001"))
    with pytest.raises(DeliveryError, match=r"isv\.BUSINESS_LIMIT_CONTROL") as raised:
        await channel.send(delivery("sms", "13900000001"))
    assert raised.value.permanent is False


async def test_tencent_sms_is_signed_tc3_and_sent_to_the_e164_number(
    providers: Stand, http: aiohttp.ClientSession
) -> None:
    stand, base = providers
    receipt = await TencentSms(person_settings(base).tencent_sms, http).send(
        delivery("sms", "13900000001")
    )
    (sent,) = stand.tencent.sent
    assert receipt == Receipt("s1", trackable=True)
    assert sent["PhoneNumberSet"] == ["+8613900000001"]
    assert sent["TemplateParamSet"] == ["【课程变更】音乐 三年级", "周二 09:10 → 周三 15:00"]


async def test_tencent_sms_with_a_wrong_key_fails_the_signature(
    providers: Stand, http: aiohttp.ClientSession
) -> None:
    _, base = providers
    settings = TencentSmsSettings.model_validate(
        {**person_settings(base).tencent_sms.model_dump(), "secret_key": "guessed"}
    )
    with pytest.raises(DeliveryError, match=r"AuthFailure\.SignatureFailure"):
        await TencentSms(settings, http).send(delivery("sms", "13900000001"))


async def test_tencent_sms_rate_limit_and_bad_number(
    providers: Stand, http: aiohttp.ClientSession
) -> None:
    stand, base = providers
    stand.tencent.per_number_limit = 1
    channel = TencentSms(person_settings(base).tencent_sms, http)
    await channel.send(delivery("sms", "13900000001"))
    with pytest.raises(DeliveryError, match="ThirtySecondLimit") as limited:
        await channel.send(delivery("sms", "13900000001"))
    with pytest.raises(DeliveryError, match="IncorrectPhoneNumber") as bad:
        await channel.send(delivery("sms", "139"))
    assert (limited.value.permanent, bad.value.permanent) == (False, True)


async def test_build_channels_names_the_person_channels(
    providers: Stand, http: aiohttp.ClientSession, store: Store
) -> None:
    _, base = providers
    settings = person_settings(base)
    channels = build_channels(settings, http, DatabaseTokens(store, settings.tokens))
    assert {name: type(c).__name__ for name, c in channels.items()} == {
        "wecom": "WeComApp",
        "dingtalk": "DingTalkApp",
        "sms": "AliyunSms",
    }
    assert "wecom" not in build_channels(settings, http)  # no token cache, no app channels
