"""No-show alerts: classroom not checked in, teacher not live, lesson failed; once each."""

from __future__ import annotations

import datetime as dt
import json

import aiohttp
from sqlmodel import select

from coordinator import models
from coordinator.notify import build_channels
from coordinator.services.notifications.alerts import (
    alert_jobs,
    check_classrooms,
    check_teacher_live,
    scan_reports,
)
from coordinator.services.notifications.outbox import deliver_due
from coordinator.services.notifications.reminders import Notifier, PlannedJob, upcoming_lessons
from coordinator.store import Store
from tests.notify import fixtures
from tests.notify.support import NOW, STREAMS, Receiver, add_lesson, notifier, seed, settings

receiver = fixtures.receiver
KEY = "s-music@2026-11-23"
START = NOW - dt.timedelta(minutes=10)


def attendance(
    room: str, kind: str = "check_in", quality: str | None = None
) -> models.AttendanceRow:
    assistant = "a-li" if room.startswith("c-east") else "a-zhao"
    return models.AttendanceRow(
        lesson_key=KEY,
        classroom_id=room,
        kind=kind,
        assistant_id=assistant,
        students_present=9,
        stream_quality=quality,
        note="画面卡住" if quality else "",
        device_time=NOW,
        received_at=NOW,
        skew_seconds=0,
        late=False,
        idempotency_key=f"{room}-{kind}",
    )


def stream_event(kind: str, at: dt.datetime) -> models.StreamEventRow:
    return models.StreamEventRow(
        lesson_key=KEY,
        kind=kind,
        participant_id="t-wang",
        accepted=True,
        reason="ok",
        stream_name="live-key",
        at=at,
    )


async def write(store: Store, *rows: object) -> None:
    async with store.write() as session:
        session.add_all(rows)


async def alerts(store: Store) -> list[tuple[str, str]]:
    async with store.read() as session:
        rows = (await session.exec(select(models.NotificationRow))).all()
    return sorted((row.channel, row.subject) for row in rows)


async def test_classroom_not_checked_in_alerts_its_admins_once(
    store: Store, receiver: tuple[Receiver, str]
) -> None:
    received, base = receiver
    directory = await seed(store)
    await add_lesson(store, START)
    await write(store, attendance("c-east-3"))
    config = notifier(base)
    first = await check_classrooms(store, config, directory, lesson_key=KEY, revision=0, now=NOW)
    again = await check_classrooms(store, config, directory, lesson_key=KEY, revision=0, now=NOW)
    async with aiohttp.ClientSession() as http:
        channels = build_channels(config.settings, http)
        await deliver_due(store, config.settings, channels, now=NOW)
    (posted,) = [json.loads(body) for *_, body in received.to("/admin")]
    subject = "【未签到】西村教学点 三年级：音乐 开课10分钟仍未签到"
    assert (first, again) == (2, 0)
    assert await alerts(store) == [("robot:county", subject), ("webhook:ops", subject)]
    assert posted["text"]["content"].startswith(subject)
    assert posted["at"] == {"atMobiles": [], "isAtAll": False}


async def test_teacher_live_is_not_alerted_but_one_who_stopped_is(store: Store) -> None:
    directory = await seed(store)
    await add_lesson(store, START)
    config = notifier("http://r")
    await write(store, stream_event("publish", START - dt.timedelta(minutes=2)))
    while_live = await check_teacher_live(
        store, config, directory, lesson_key=KEY, revision=0, now=NOW
    )
    await write(store, stream_event("publish_done", START + dt.timedelta(minutes=1)))
    stopped = await check_teacher_live(
        store, config, directory, lesson_key=KEY, revision=0, now=NOW
    )
    subject = "【主讲未上线】王丽：音乐 开课5分钟仍未开始直播"
    assert (while_live, stopped) == (0, 2)
    assert await alerts(store) == [("robot:county", subject), ("webhook:ops", subject)]


async def test_cancelled_lesson_raises_no_alert(store: Store) -> None:
    directory = await seed(store)
    await add_lesson(store, START, status="cancelled", revision=1)
    config = notifier("http://r")
    rooms = await check_classrooms(store, config, directory, lesson_key=KEY, revision=1, now=NOW)
    live = await check_teacher_live(store, config, directory, lesson_key=KEY, revision=1, now=NOW)
    assert (rooms, live) == (0, 0)


async def test_failed_lesson_and_problem_reports_are_alerted_once(store: Store) -> None:
    directory = await seed(store)
    await add_lesson(store, START)
    problem = models.ProblemReportRow(
        id="p1",
        lesson_key=KEY,
        classroom_id="c-west-3",
        assistant_id="a-zhao",
        problem="no_power",
        note="全村停电",
        device_time=NOW,
        received_at=NOW,
        skew_seconds=0,
        late=False,
        idempotency_key="p1",
    )
    await write(store, attendance("c-east-3", "end_report", "failed"), problem)
    config = notifier("http://r", channels=("robots",))
    first = await scan_reports(store, config, directory, now=NOW + dt.timedelta(minutes=1))
    again = await scan_reports(store, config, directory, now=NOW + dt.timedelta(minutes=2))
    assert (first, again) == (2, 0)
    assert await alerts(store) == [
        ("robot:county", "【课堂失败】东村小学 三年级（1）班：音乐 报告直播失败"),
        ("robot:county", "【问题上报】西村教学点 三年级：停电"),
    ]


async def test_checks_are_planned_after_the_start_and_live_checks_only_with_callbacks(
    store: Store,
) -> None:
    directory = await seed(store)
    start = NOW + dt.timedelta(hours=1)
    await add_lesson(store, start)
    with_callbacks = notifier("http://r")
    without = Notifier(settings("http://r", live_check_providers=("rtmp",)), STREAMS)
    lessons = await upcoming_lessons(store, with_callbacks, NOW)
    assert alert_jobs(lessons, with_callbacks, directory, NOW) == [
        PlannedJob("checkin", KEY, 0, start + dt.timedelta(minutes=10)),
        PlannedJob("live", KEY, 0, start + dt.timedelta(minutes=5)),
    ]
    assert alert_jobs(lessons, without, directory, NOW) == [
        PlannedJob("checkin", KEY, 0, start + dt.timedelta(minutes=10)),
    ]
