"""Change notices say what the lesson was before; reminders never say "in 0 minutes"."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import update
from sqlmodel import col, select

from coordinator import models
from coordinator.notify import messages
from coordinator.notify.messages import Before
from coordinator.services.data.directory import Directory
from coordinator.services.data.imports import import_bundle
from coordinator.services.notifications.announced import note_upcoming
from coordinator.services.notifications.reminders import send_change_notices, send_reminders
from coordinator.store import Store
from tests.notify.support import NOW, add_lesson, bundle, notifier, seed
from tests.notify.test_messages import FACTS

KEY = "s-music@2026-11-23"


async def bodies(store: Store) -> dict[str, str]:
    async with store.read() as session:
        rows = (await session.exec(select(models.NotificationRow))).all()
    return {row.recipient: row.body for row in rows}


async def test_a_moved_lesson_with_a_substitute_says_before_and_after(store: Store) -> None:
    directory = await seed(store)
    start = NOW + dt.timedelta(hours=25, minutes=10)  # Tuesday 09:10 in Beijing
    await add_lesson(store, start)
    await note_upcoming(store, horizon=dt.timedelta(hours=48), now=NOW)
    moved = NOW + dt.timedelta(hours=31)  # Tuesday 15:00 in Beijing
    async with store.write() as session:
        await session.exec(
            update(models.LessonRow)
            .where(col(models.LessonRow.key) == KEY)
            .values(
                start=moved,
                end=moved + dt.timedelta(minutes=40),
                revision=1,
                teacher_id="t-chen",
                changed_at=NOW,
            )
        )
    config = notifier("http://r", channels=("robots",), public_url="https://kc.example.cn/")
    await send_change_notices(store, config, directory, now=NOW + dt.timedelta(minutes=1))
    found = await bodies(store)
    lines = found["teacher:t-chen"].splitlines()
    assert lines[0] == "变更：周二 09:10 → 周二 15:00，代课：陈明"
    assert lines[-1] == "课程页：https://kc.example.cn/lessons/s-music@2026-11-23"
    assert found["assistant:a-li"].splitlines()[0] == lines[0]


async def test_a_change_without_an_earlier_note_has_no_before_line(store: Store) -> None:
    directory = await seed(store)
    await add_lesson(store, NOW + dt.timedelta(hours=5), revision=1, changed_at=NOW)
    await send_change_notices(store, notifier("http://r", channels=("robots",)), directory, now=NOW)
    assert all(body.startswith("时间：") for body in (await bodies(store)).values())


async def test_a_reminder_at_the_start_says_now_not_zero_minutes(store: Store) -> None:
    directory = await seed(store)
    start = NOW + dt.timedelta(seconds=20)
    await add_lesson(store, start)
    await send_reminders(
        store,
        notifier("http://r", channels=("robots",)),
        directory,
        lesson_key=KEY,
        revision=0,
        now=NOW,
    )
    async with store.read() as session:
        subjects = {
            row.subject for row in (await session.exec(select(models.NotificationRow))).all()
        }
    assert subjects == {"【双师课堂】现在上课（08:00）：音乐"}


def test_before_in_english_names_weekdays_and_the_substitute() -> None:
    moved = dataclasses.replace(
        FACTS, start=FACTS.start + dt.timedelta(days=1, hours=7), teacher="Han Xue"
    )
    before = Before(FACTS.start, "王丽")
    message = messages.change_notice(
        moved, time_zone="Asia/Shanghai", room="", link="", language="en", before=before
    )
    assert message.text.splitlines()[0] == "Change: Mon 08:00 → Tue 15:00, substitute: Han Xue"
    assert message.data["sms_text"] == "Mon 08:00 → Tue 15:00, substitute: Han Xue"


def test_a_move_of_a_week_or_more_names_the_dates() -> None:
    moved = dataclasses.replace(FACTS, start=FACTS.start + dt.timedelta(days=7))
    before = Before(FACTS.start, FACTS.teacher)
    message = messages.change_notice(
        moved, time_zone="Asia/Shanghai", room="", link="", language="zh", before=before
    )
    assert message.text.splitlines()[0] == "变更：11月23日（周一）08:00 → 11月30日（周一）08:00"


async def test_lessons_changed_together_make_one_message_per_person(store: Store) -> None:
    directory = await seed(store)
    moment = NOW - dt.timedelta(minutes=1)
    await add_lesson(store, NOW + dt.timedelta(hours=5), revision=1, changed_at=moment)
    await add_lesson(
        store,
        NOW + dt.timedelta(hours=30),
        key="s-music@2026-11-24",
        rooms=("c-west-3",),
        revision=1,
        changed_at=moment,
    )
    config = notifier("http://r", channels=("webhooks",))
    first = await send_change_notices(store, config, directory, now=NOW)
    again = await send_change_notices(store, config, directory, now=NOW + dt.timedelta(minutes=1))
    async with store.read() as session:
        rows = (await session.exec(select(models.NotificationRow))).all()
    by_person = {row.recipient: row for row in rows}
    assert (first, again, len(rows)) == (3, 0, 3)  # 王丽, 李华 (east), 赵敏 (west): one each
    assert by_person["teacher:t-wang"].subject == "【课程变更】2节课有变化"
    assert by_person["teacher:t-wang"].data["lessons"] == [KEY, "s-music@2026-11-24"]
    assert by_person["assistant:a-li"].subject == "【课程变更】音乐"  # only one of them is hers


async def test_each_person_reads_their_own_language(store: Store) -> None:
    county = bundle()
    assistants = tuple(
        dataclasses.replace(a, language="en") if a.id == "a-zhao" else a for a in county.assistants
    )
    county = dataclasses.replace(county, assistants=assistants)
    await import_bundle(store, county, source="t", now=NOW - dt.timedelta(days=7))
    directory = Directory.of(county)
    await add_lesson(store, NOW + dt.timedelta(hours=1))
    config = notifier("http://r", channels=("robots",))
    await send_reminders(store, config, directory, lesson_key=KEY, revision=0, now=NOW)
    async with store.read() as session:
        rows = (await session.exec(select(models.NotificationRow))).all()
    subjects = {row.recipient: row.subject for row in rows}
    assert subjects["assistant:a-zhao"] == "[Dual-teacher Classroom] Music starts in 30 min"
    assert subjects["assistant:a-li"] == "【双师课堂】30分钟后上课：音乐"
