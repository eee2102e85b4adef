"""The Messages page and its JSON: each message's state, in Chinese first, within the admin's
county only, filtered by person, kind and state; a wrong filter is named."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from coordinator import models
from coordinator.services.data.imports import import_bundle
from coordinator.store import Store
from tests.web.pages.support import NOW, Client, first_lesson, sign_in, stamp_head
from tests.web.pages.test_tenancy import two_counties

WECOM_REFUSAL = (
    'WeCom errcode 81013: {"errcode": 81013, "errmsg": "user & party & tag all invalid"}'
)


def message(row_id: str, recipient: str, **values: object) -> models.NotificationRow:
    fields: dict[str, object] = {
        "kind": "change",
        "channel": "wecom",
        "address": "x",
        "subject": f"【课程变更】{row_id}",
        "body": "周二 09:10 → 周三 15:00",
        "status": "sent",
        "next_attempt_at": NOW,
        "created_at": NOW,
        "sent_at": NOW + dt.timedelta(seconds=2),
    }
    fields.update(values)
    return models.NotificationRow(id=row_id, recipient=recipient, **fields)  # type: ignore[arg-type]


@pytest.fixture
async def messages(arranged: Store) -> Store:
    await import_bundle(arranged, two_counties(), source="test", now=NOW)
    await stamp_head(arranged)
    lesson = await first_lesson(arranged, "c-east-3")
    rows = [
        message(
            "m-wang", "teacher:t-wang", status="failed", last_error=WECOM_REFUSAL, sent_at=None
        ),
        message("m-li", "assistant:a-li", kind="calendar", channel="calendar:wecom"),
        message(
            "m-zhao",
            "assistant:a-zhao",
            kind="reminder",
            channel="dingtalk",
            status="delivered",
            delivered_at=NOW + dt.timedelta(minutes=1),
        ),
        message(
            "m-alert",
            "admin",
            kind="alert",
            channel="robot:east",
            status="pending",
            lesson_key=lesson.key,
            sent_at=None,
        ),
        message("m-far", "assistant:a-far", subject="远山的消息"),
    ]
    async with arranged.write() as session:
        session.add_all(rows)
    return arranged


def shown_text(page: str) -> str:
    """What a reader sees: the text of the list, without tags and attribute values."""
    body = page.split('class="message-list"', 1)[-1]
    return re.sub(r"<[^>]+>", " ", body)


async def test_the_admin_sees_their_countys_messages_in_chinese(
    client: Client, messages: Store
) -> None:
    await sign_in(client, "admin")
    response = await client.get("/messages")
    assert response.status == 200
    page = await response.text()
    text = shown_text(page)
    for words in ("王丽", "李老师", "赵老师", "管理员", "失败", "已发送", "已送达", "排队中"):
        assert words in text, words
    for words in (
        "企业微信日程",
        "钉钉",
        "群机器人 east",
        "服务商答复",
        "81013",
        "日程",
        "上课提醒",
    ):
        assert words in text, words
    assert "远山的消息" not in page  # the other county's
    assert "t-wang" not in text
    assert "a-li" not in text
    assert 'href="/messages" aria-current="page"' in page
    assert "【课程变更】m-wang" in text


async def test_filters_by_person_kind_and_state(client: Client, messages: Store) -> None:
    await sign_in(client, "admin")
    failed = shown_text(await (await client.get("/messages?state=failed")).text())
    assert "m-wang" in failed
    assert "m-li" not in failed
    calendar = shown_text(await (await client.get("/messages?kind=calendar")).text())
    assert "m-li" in calendar
    assert "m-wang" not in calendar
    queued = shown_text(await (await client.get("/messages?state=queued")).text())
    assert "m-alert" in queued
    assert "m-zhao" not in queued
    zhao = shown_text(await (await client.get("/messages?person=assistant:a-zhao")).text())
    assert "m-zhao" in zhao
    assert "m-wang" not in zhao


async def test_a_wrong_filter_says_which_and_what(client: Client, messages: Store) -> None:
    await sign_in(client, "admin")
    response = await client.get("/messages?state=lost")
    assert response.status == 400
    assert "筛选项“状态”没有“lost”这个值。" in await response.text()
    answer = await client.get("/messages.json?kind=letter")
    assert answer.status == 400
    body = await answer.json()
    assert body["field"] == "kind"
    assert "letter" in body["error"]
    assert "calendar" in body["allowed"]


async def test_the_json_gives_each_state_with_the_providers_error(
    client: Client, messages: Store
) -> None:
    await sign_in(client, "admin")
    body = await (await client.get("/messages.json")).json()
    states = {m["id"]: (m["state"], m["error"]) for m in body["messages"]}
    assert states == {
        "m-wang": ("failed", WECOM_REFUSAL),
        "m-li": ("sent", ""),
        "m-zhao": ("delivered", ""),
        "m-alert": ("queued", ""),
    }
    await sign_in(client, "da-region")
    other = await (await client.get("/messages.json")).json()
    assert [m["id"] for m in other["messages"]] == ["m-far"]


async def test_only_admins_open_it(client: Client, messages: Store) -> None:
    await sign_in(client, "wang")
    assert (await client.get("/messages", allow_redirects=False)).status == 403
    assert (await client.get("/messages.json", allow_redirects=False)).status == 403
