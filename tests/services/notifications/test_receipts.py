"""Person channels through the outbox: sent with the provider's id, then delivered or failed
as the provider reports later; a refusal that cannot change fails at once."""

from __future__ import annotations

import datetime as dt

import aiohttp
from sqlmodel import select

from coordinator import models
from coordinator.notify import build_channels
from coordinator.notify.messages import Message
from coordinator.services.notifications.access_tokens import DatabaseTokens
from coordinator.services.notifications.outbox import Route, deliver_due, enqueue, outgoing
from coordinator.services.notifications.receipts import check_receipts
from coordinator.store import Store
from tests.notify import fixtures
from tests.notify import providers as fake
from tests.notify.person_support import person_settings, providers

http = fixtures.http
__all__ = ["http", "providers"]

NOW = dt.datetime.now(dt.UTC)  # the providers check request timestamps against the clock
MESSAGE = Message(
    "change",
    "【课程变更】音乐 三年级",
    "周二 09:10 → 周三 15:00\n代课：韩雪",
    {"kind": "change", "link": "https://kc.example.cn/lessons/s-music"},
)


async def rows(store: Store) -> dict[str, models.NotificationRow]:
    async with store.read() as session:
        found = (await session.exec(select(models.NotificationRow))).all()
    return {row.channel + ":" + row.address: row for row in found}


async def test_outbox_records_receipts_then_what_the_providers_report(
    providers: tuple[fake.Providers, str], http: aiohttp.ClientSession, store: Store
) -> None:
    stand, base = providers
    stand.aliyun.fail_later.add("13900000002")
    settings = person_settings(base)
    channels = build_channels(settings, http, DatabaseTokens(store, settings.tokens))
    routes = [
        Route("dingtalk", "0123lixiuying"),
        Route("wecom", "hanxue"),
        Route("wecom", "nobody"),
        Route("sms", "13900000002"),
    ]
    for route in routes:
        purpose = f"change:s-music:3:teacher:{route.address}"
        await enqueue(
            store, outgoing(purpose, MESSAGE, [route], recipient="x", lesson_key=None, now=NOW)
        )

    report = await deliver_due(store, settings, channels, now=NOW)

    sent = await rows(store)
    assert (report.sent, report.failed) == (3, 1)
    assert sent["wecom:nobody"].status == "failed"  # 81013 cannot change: no retry
    assert "81013" in sent["wecom:nobody"].last_error
    assert sent["wecom:hanxue"].check_at is None  # WeCom reports nothing later
    assert sent["dingtalk:0123lixiuying"].provider_id == "700001"

    later = NOW + dt.timedelta(seconds=61)
    checked = await check_receipts(store, settings, channels, now=later)

    after = await rows(store)
    assert (checked.delivered, checked.failed) == (1, 1)
    assert after["dingtalk:0123lixiuying"].status == "delivered"
    assert after["dingtalk:0123lixiuying"].delivered_at == later
    assert after["sms:13900000002"].status == "failed"
    assert after["sms:13900000002"].last_error == "Aliyun SMS ErrCode MOBILE_NOT_ON_SERVICE"
    assert after["wecom:hanxue"].status == "sent"


async def test_receipts_are_not_asked_before_their_time(
    providers: tuple[fake.Providers, str], http: aiohttp.ClientSession, store: Store
) -> None:
    stand, base = providers
    settings = person_settings(base)
    channels = build_channels(settings, http, DatabaseTokens(store, settings.tokens))
    route = Route("dingtalk", "0456hanxue")
    await enqueue(store, outgoing("p", MESSAGE, [route], recipient="x", lesson_key=None, now=NOW))
    await deliver_due(store, settings, channels, now=NOW)
    checked = await check_receipts(store, settings, channels, now=NOW + dt.timedelta(seconds=30))
    assert (checked.delivered, checked.failed, checked.unknown) == (0, 0, 0)
    assert stand.calls["/dingtalk/topapi/message/corpconversation/getsendresult"] == 0
