"""DingTalk work notices: a revoked token is replaced, a rate-limit answer is retried later;
Tencent SMS: a failure reported later, in the number's status reports."""

from __future__ import annotations

import aiohttp
import pytest

from coordinator.notify import DeliveryError
from coordinator.notify.base import Outcome
from coordinator.notify.tencent_sms import TencentSms
from coordinator.store import Store
from tests.notify import fixtures
from tests.notify.person_support import delivery, person_settings, providers
from tests.notify.test_person_channels import Stand, dingtalk

http = fixtures.http

__all__ = ["http", "providers"]


async def test_dingtalk_revoked_token_is_replaced_and_the_send_repeated(
    providers: Stand, http: aiohttp.ClientSession, store: Store
) -> None:
    stand, base = providers
    channel = dingtalk(base, http, store)
    await channel.send(delivery("dingtalk", "0123lixiuying"))
    stand.dingtalk.tokens.revoke_all()  # 40014: unknown before its time
    receipt = await channel.send(delivery("dingtalk", "0456hanxue"))
    assert stand.dingtalk.tokens.issued == 2
    assert stand.dingtalk.tasks[int(receipt.provider_id)]["unread_user_id_list"] == ["0456hanxue"]


async def test_dingtalk_rate_limit_is_retried_later_not_given_up(
    providers: Stand, http: aiohttp.ClientSession, store: Store
) -> None:
    stand, base = providers
    stand.dingtalk.busy = 1
    channel = dingtalk(base, http, store)
    with pytest.raises(DeliveryError, match="90018") as raised:
        await channel.send(delivery("dingtalk", "0123lixiuying"))
    assert raised.value.permanent is False
    assert (await channel.send(delivery("dingtalk", "0123lixiuying"))).trackable


async def test_tencent_sms_failure_comes_later_in_the_numbers_status_reports(
    providers: Stand, http: aiohttp.ClientSession
) -> None:
    stand, base = providers
    stand.tencent.fail_later = {"+8613900000002"}
    channel = TencentSms(person_settings(base).tencent_sms, http)
    good, bad = delivery("sms", "13900000001"), delivery("sms", "13900000002")
    first, second = await channel.send(good), await channel.send(bad)
    assert first.trackable
    assert await channel.check(good, first) == Outcome("delivered")
    assert await channel.check(bad, second) == Outcome("failed", "Tencent SMS MK:0001 用户停机")
