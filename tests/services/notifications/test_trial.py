"""`notify test` as a use case: one message now to one person, the provider's answer back."""

from __future__ import annotations

import dataclasses
import datetime as dt

import aiohttp
import pytest

from coordinator.notify import DeliveryError
from coordinator.notify.base import Receipt
from coordinator.notify.messages import Message
from coordinator.services.data.imports import import_bundle
from coordinator.services.notifications.outbox import Route, enqueue, outgoing
from coordinator.services.notifications.trial import NoSuchRecipient, list_messages, send_trial
from coordinator.store import Store
from tests.notify import fixtures
from tests.notify import providers as fake
from tests.notify.person_support import person_settings, providers
from tests.notify.support import NOW, bundle

http = fixtures.http
__all__ = ["http", "providers"]


async def seed_with_ids(store: Store) -> None:
    county = bundle()
    teachers = tuple(
        dataclasses.replace(t, wecom_userid="lixiuying", phone="13900000009")
        if t.id == "t-wang"
        else t
        for t in county.network_teachers
    )
    await import_bundle(
        store, dataclasses.replace(county, network_teachers=teachers), source="t", now=NOW
    )


async def test_a_test_message_reaches_the_teacher_on_wecom(
    providers: tuple[fake.Providers, str], http: aiohttp.ClientSession, store: Store
) -> None:
    stand, base = providers
    await seed_with_ids(store)
    result = await send_trial(
        store, person_settings(base), http, to="teacher:t-wang", channel="wecom", now=NOW
    )
    (sent,) = stand.wecom.sent
    assert (result.person, result.address, result.receipt) == (
        "teacher:t-wang",
        "lixiuying",
        Receipt("m1"),
    )
    assert sent["markdown"]["content"].startswith("**【双师课堂】测试消息**")


async def test_a_refusal_carries_the_provider_answer(
    providers: tuple[fake.Providers, str], http: aiohttp.ClientSession, store: Store
) -> None:
    stand, base = providers
    stand.wecom.members.clear()
    await seed_with_ids(store)
    with pytest.raises(DeliveryError, match="81013"):
        await send_trial(store, person_settings(base), http, to="t-wang", channel="wecom", now=NOW)


@pytest.mark.parametrize(
    ("to", "channel", "said"),
    [
        ("teacher:t-nobody", "wecom", "no teacher or assistant"),
        ("t-wang", "dingtalk", "has no address on dingtalk"),
        ("t-wang", "fax", "--channel fax: not configured"),
    ],
)
async def test_unknown_people_and_channels_are_named(
    providers: tuple[fake.Providers, str],
    http: aiohttp.ClientSession,
    store: Store,
    to: str,
    channel: str,
    said: str,
) -> None:
    _, base = providers
    await seed_with_ids(store)
    with pytest.raises(NoSuchRecipient, match=said):
        await send_trial(store, person_settings(base), http, to=to, channel=channel, now=NOW)


async def test_messages_are_listed_newest_first_by_state(store: Store) -> None:
    message = Message("change", "【课程变更】音乐", "周二 09:10 → 周三 15:00")
    for minutes, who in ((0, "a"), (5, "b")):
        rows = outgoing(
            who,
            message,
            [Route("wecom", who)],
            recipient=who,
            lesson_key=None,
            now=NOW + dt.timedelta(minutes=minutes),
        )
        await enqueue(store, rows)
    listed = await list_messages(store, status="pending")
    assert [row.address for row in listed] == ["b", "a"]
    assert await list_messages(store, status="failed") == []
