"""Reminders and change notices reach the teacher and each assistant, once, with their link."""

from __future__ import annotations

import datetime as dt
import json
from email import message_from_bytes
from email.policy import default

import aiohttp
from sqlmodel import select

from coordinator import models
from coordinator.notify import build_channels
from coordinator.services.notifications.outbox import deliver_due
from coordinator.services.notifications.reminders import (
    PlannedJob,
    reminder_jobs,
    send_change_notices,
    send_reminders,
    upcoming_lessons,
)
from coordinator.store import Store
from tests.notify import fixtures
from tests.notify.support import NOW, Mailbox, Receiver, add_lesson, notifier, seed

http, mailbox, receiver = fixtures.http, fixtures.mailbox, fixtures.receiver
KEY = "s-music@2026-11-23"
TEACHER_LINK = "https://meet.example.cn/t/s-music%402026-11-23/0"
EAST_LINK = "https://meet.example.cn/c/s-music%402026-11-23/c-east-3"
WEST_LINK = "https://meet.example.cn/c/s-music%402026-11-23/c-west-3"


async def subjects(store: Store) -> list[tuple[str, str, str]]:
    async with store.read() as session:
        rows = (await session.exec(select(models.NotificationRow))).all()
    return sorted((row.recipient, row.channel, row.subject) for row in rows)


def mails(box: Mailbox) -> dict[str, str]:
    """Recipient -> decoded body of every e-mail received."""
    found = {}
    for envelope in box.envelopes:
        assert isinstance(envelope.content, bytes)
        message = message_from_bytes(envelope.content, policy=default)
        body = message.get_body()
        assert body is not None
        found[envelope.rcpt_tos[0]] = f"{message['Subject']}\n{body.get_content()}"
    return found


async def test_reminder_reaches_teacher_and_assistants_once_with_their_own_links(
    store: Store, receiver: tuple[Receiver, str], mailbox: tuple[Mailbox, int]
) -> None:
    (received, base), (box, port) = receiver, mailbox
    directory = await seed(store)
    await add_lesson(store, NOW + dt.timedelta(minutes=30))
    config = notifier(base, port)
    added = await send_reminders(store, config, directory, lesson_key=KEY, revision=0, now=NOW)
    again = await send_reminders(store, config, directory, lesson_key=KEY, revision=0, now=NOW)
    async with aiohttp.ClientSession() as session:
        report = await deliver_due(
            store, config.settings, build_channels(config.settings, session), now=NOW
        )
    mail = mails(box)
    (east,) = [json.loads(body) for *_, body in received.to("/dingtalk")]
    region = [json.loads(body)["text"] for *_, body in received.to("/wecom")]
    assert (added, again, report.sent, report.retrying) == (9, 0, 9, 0)
    assert sorted(mail) == ["wangli@example.cn", "zhao@example.cn"]
    assert mail["wangli@example.cn"].startswith("【双师课堂】30分钟后上课：音乐\n")
    assert "时间：11月23日（周一）08:30–09:10" in mail["wangli@example.cn"]
    assert TEACHER_LINK in mail["wangli@example.cn"]
    assert WEST_LINK in mail["zhao@example.cn"]
    assert east["at"]["atMobiles"] == ["13900000001"]
    assert EAST_LINK in east["text"]["content"]
    assert sorted(text["mentioned_mobile_list"][0] for text in region) == [
        "13800000001",
        "13900000001",
        "13900000002",
    ]
    assert len(received.to("/hook")) == 3


async def test_reminder_of_an_old_revision_or_a_cancelled_lesson_sends_nothing(
    store: Store,
) -> None:
    directory = await seed(store)
    await add_lesson(store, NOW + dt.timedelta(minutes=30), revision=1)
    await add_lesson(
        store, NOW + dt.timedelta(minutes=30), key="s-x@2026-11-23", status="cancelled"
    )
    config = notifier("http://r")
    stale = await send_reminders(store, config, directory, lesson_key=KEY, revision=0, now=NOW)
    gone = await send_reminders(
        store, config, directory, lesson_key="s-x@2026-11-23", revision=0, now=NOW
    )
    assert (stale, gone, await subjects(store)) == (0, 0, [])


async def test_change_within_48_hours_is_noticed_once_and_cancellation_says_so(
    store: Store,
) -> None:
    directory = await seed(store)
    recent = NOW - dt.timedelta(minutes=1)
    await add_lesson(store, NOW + dt.timedelta(hours=5), revision=2, changed_at=recent)
    await add_lesson(
        store,
        NOW + dt.timedelta(hours=30),
        key="s-art@2026-11-24",
        rooms=("c-west-3",),
        revision=1,
        status="cancelled",
        changed_at=recent - dt.timedelta(seconds=1),  # another change: not merged with the first
    )
    await add_lesson(  # changed long before the lesson: the calendar feeds have time to tell
        store,
        NOW + dt.timedelta(days=3),
        key="s-far@2026-11-26",
        revision=1,
        changed_at=recent,
    )
    config = notifier("http://r", channels=("robots",))
    first = await send_change_notices(store, config, directory, now=NOW)
    again = await send_change_notices(store, config, directory, now=NOW + dt.timedelta(seconds=30))
    assert (first, again) == (6, 0)
    assert sorted({s for _, _, s in await subjects(store)}) == [
        "【已取消】音乐",
        "【课程变更】音乐",
    ]


async def test_reminder_is_planned_before_the_start_or_at_a_later_change(store: Store) -> None:
    await seed(store)
    await add_lesson(store, NOW + dt.timedelta(hours=2))
    late = NOW + dt.timedelta(hours=3) - dt.timedelta(minutes=10)
    await add_lesson(
        store, NOW + dt.timedelta(hours=3), key="s-b@2026-11-23", revision=1, changed_at=late
    )
    await add_lesson(store, NOW - dt.timedelta(minutes=1), key="s-c@2026-11-23")
    config = notifier("http://r")
    lessons = await upcoming_lessons(store, config, NOW)
    assert sorted(reminder_jobs(lessons, config.settings, NOW), key=lambda job: job.id) == [
        PlannedJob("reminder", "s-b@2026-11-23", 1, late),
        PlannedJob("reminder", KEY, 0, NOW + dt.timedelta(hours=2, minutes=-30)),
    ]


async def test_a_lesson_added_by_a_later_version_within_48_hours_is_announced(
    store: Store,
) -> None:
    directory = await seed(store)
    recent = NOW - dt.timedelta(minutes=1)
    async with store.write() as session:
        for kind in ("solve", "rebalance"):
            session.add(
                models.TimetableVersionRow(
                    created_at=recent, kind=kind, status="OPTIMAL", seed=0, time_limit_s=1
                )
            )
    first = await add_lesson(store, NOW + dt.timedelta(hours=5), changed_at=recent)
    added = await add_lesson(
        store, NOW + dt.timedelta(hours=6), key="s-new@2026-11-23", changed_at=recent
    )
    async with store.write() as session:
        versions = [
            v for v in (await session.exec(select(models.TimetableVersionRow.id))).all() if v
        ]
        for row, version in ((first, min(versions)), (added, max(versions))):
            stored = await session.get(models.LessonRow, row.key)
            assert stored is not None
            stored.version_id = version
    config = notifier("http://r", channels=("robots",))
    sent = await send_change_notices(store, config, directory, now=NOW)
    async with store.read() as session:
        rows = (await session.exec(select(models.NotificationRow))).all()
    assert {(row.lesson_key, row.subject) for row in rows} == {
        ("s-new@2026-11-23", "【新增课程】音乐")
    }
    assert sent == len(rows) > 0
