"""Lessons pushed into people's WeCom schedules and DingTalk calendars: created once, updated
or removed once per change, against loopback providers that check tokens as the real ones."""

from __future__ import annotations

import datetime as dt

from coordinator.services.notifications.calendar_push import plan_calendar_pushes
from coordinator.services.notifications.reminders import Notifier
from coordinator.store import Store
from tests.notify import providers as fake
from tests.notify.person_support import providers
from tests.notify.support import NOW, STREAMS, add_lesson
from tests.services.notifications.calendar_support import (
    calendar_rows,
    calendar_settings,
    events,
    move_lesson,
    push_round,
    seed_people,
)

__all__ = ["providers"]
KEY = "s-music@2026-11-24"
START = NOW + dt.timedelta(days=1, hours=1)  # Tuesday 09:00 in Beijing


async def test_a_new_lesson_lands_once_in_each_persons_own_calendar(
    providers: tuple[fake.Providers, str], store: Store
) -> None:
    stand, base = providers
    directory = await seed_people(store, stand, NOW)
    await add_lesson(store, START, key=KEY)
    settings = calendar_settings(base)
    planned, report = await push_round(store, settings, directory, NOW)
    assert (planned, report.sent, report.failed) == (3, 3, 0)
    # 王丽 (teacher) and 李老师 (c-east-3) on WeCom, 赵老师 (c-west-3) on DingTalk.
    assert sorted(entry[:2] for entry in stand.schedules.log) == [
        ("add", "lihua"),
        ("add", "wangli"),
    ]
    assert [entry[:2] for entry in stand.calendars.log] == [("create", "u-0456zhaomin")]
    teacher = next(s for s in stand.schedules.schedules.values() if s["organizer"] == "wangli")
    assert teacher["start_time"] == int(START.timestamp())
    assert teacher["attendees"] == [{"userid": "wangli"}]
    assert teacher["reminders"] == {"is_remind": 1, "remind_before_event_secs": 900, "timezone": 8}
    assert teacher["summary"].startswith("音乐 · ")
    assert "主讲：王丽" in teacher["description"]
    event = next(iter(stand.calendars.events.values()))
    assert event["start"] == {"dateTime": START.isoformat(), "timeZone": "Asia/Shanghai"}
    assert event["reminders"] == [{"method": "dingtalk", "minutes": 15}]
    # Planning again, with nothing changed, pushes nothing.
    again = await push_round(store, settings, directory, NOW + dt.timedelta(minutes=1))
    assert again[0] == 0
    assert again[1].sent == 0
    assert len(stand.schedules.log) + len(stand.calendars.log) == 3
    assert stand.calls["/wecom/cgi-bin/gettoken"] == 1
    assert stand.calls["/dingtalk/gettoken"] == 1
    known = await events(store)
    assert {key[1:] for key in known} == {
        ("teacher:t-wang", "wecom"),
        ("assistant:a-li", "wecom"),
        ("assistant:a-zhao", "dingtalk"),
    }
    assert all(row.state == "active" and row.version == 1 for row in known.values())


async def test_a_moved_lesson_updates_each_calendar_once_and_a_substitute_swaps_it(
    providers: tuple[fake.Providers, str], store: Store
) -> None:
    stand, base = providers
    directory = await seed_people(store, stand, NOW)
    await add_lesson(store, START, key=KEY)
    settings = calendar_settings(base)
    await push_round(store, settings, directory, NOW)
    later = START + dt.timedelta(days=1, hours=6)
    changed = NOW + dt.timedelta(minutes=5)
    await move_lesson(
        store,
        KEY,
        changed,
        start=later,
        end=later + dt.timedelta(minutes=40),
        teacher_id="t-chen",
        revision=1,
    )
    for minute in (0, 1, 2):  # planned and sent, then planned again twice
        await push_round(store, settings, directory, changed + dt.timedelta(minutes=minute))
    log = [entry[:2] for entry in stand.schedules.log + stand.calendars.log]
    assert sorted(log) == sorted(
        [
            ("add", "wangli"),
            ("add", "lihua"),
            ("create", "u-0456zhaomin"),
            ("del", "wangli"),  # 王丽 no longer teaches it
            ("update", "lihua"),  # the assistants' entries move
            ("update", "u-0456zhaomin"),
            ("create", "u-0789chenming"),  # the substitute, on DingTalk as he prefers
        ]
    )
    moved = next(s for s in stand.schedules.schedules.values() if s["organizer"] == "lihua")
    assert moved["start_time"] == int(later.timestamp())
    assert "主讲：陈明" in moved["description"]
    known = await events(store)
    assert known[(KEY, "teacher:t-wang", "wecom")].state == "removed"
    assert known[(KEY, "teacher:t-chen", "dingtalk")].state == "active"


async def test_a_cancelled_lesson_is_removed_from_every_calendar(
    providers: tuple[fake.Providers, str], store: Store
) -> None:
    stand, base = providers
    directory = await seed_people(store, stand, NOW)
    await add_lesson(store, START, key=KEY)
    settings = calendar_settings(base)
    await push_round(store, settings, directory, NOW)
    await move_lesson(store, KEY, NOW, status="cancelled", revision=1)
    planned, report = await push_round(store, settings, directory, NOW + dt.timedelta(minutes=1))
    assert (planned, report.sent) == (3, 3)
    assert stand.schedules.schedules == {}
    assert stand.calendars.events == {}
    assert (await push_round(store, settings, directory, NOW + dt.timedelta(minutes=2)))[0] == 0


async def test_content_changed_again_before_sending_is_pushed_once_with_the_latest(
    providers: tuple[fake.Providers, str], store: Store
) -> None:
    stand, base = providers
    directory = await seed_people(store, stand, NOW)
    await add_lesson(store, START, key=KEY, rooms=("c-east-3",))
    settings = calendar_settings(base)
    await push_round(store, settings, directory, NOW)
    first, second = START + dt.timedelta(hours=1), START + dt.timedelta(hours=2)
    await move_lesson(store, KEY, NOW, start=first, end=first + dt.timedelta(minutes=40))
    await plan_calendar_pushes(store, Notifier(settings, STREAMS), directory, now=NOW)  # unsent
    await move_lesson(store, KEY, NOW, start=second, end=second + dt.timedelta(minutes=40))
    _, report = await push_round(store, settings, directory, NOW + dt.timedelta(minutes=1))
    assert report.sent == 2  # the teacher's and the assistant's, with the second time
    updates = [entry for entry in stand.schedules.log if entry[0] == "update"]
    assert len(updates) == 2
    assert {s["start_time"] for s in stand.schedules.schedules.values()} == {
        int(second.timestamp())
    }
    states = sorted(row.status for row in await calendar_rows(store))
    assert states == ["sent"] * 4 + ["superseded"] * 2


async def test_expired_and_revoked_tokens_are_renewed_and_rate_limits_retried(
    providers: tuple[fake.Providers, str], store: Store
) -> None:
    stand, base = providers
    directory = await seed_people(store, stand, NOW)
    await add_lesson(store, START, key=KEY)
    settings = calendar_settings(base)
    stand.schedules.busy, stand.calendars.throttled = 1, 1  # each answers one rate limit
    _, report = await push_round(store, settings, directory, NOW)
    assert (report.sent, report.retrying) == (1, 2)
    limited = [row for row in await calendar_rows(store) if row.status == "pending"]
    errors = sorted(row.last_error for row in limited)
    assert "45009" in errors[1]
    assert "QpsLimitForApi" in errors[0]
    _, report = await push_round(store, settings, directory, NOW, plan=False)
    assert report.sent == 2
    stand.wecom.tokens.expire_all()  # WeCom: 42001 expired
    stand.dingtalk.tokens.revoke_all()  # DingTalk v1.0: HTTP 401
    await move_lesson(
        store,
        KEY,
        NOW,
        start=START + dt.timedelta(hours=1),
        end=START + dt.timedelta(hours=1, minutes=40),
    )
    _, report = await push_round(store, settings, directory, NOW + dt.timedelta(minutes=1))
    assert (report.sent, report.failed) == (3, 0)
    assert stand.calls["/wecom/cgi-bin/gettoken"] == 2
    assert stand.calls["/dingtalk/gettoken"] == 2
    assert len(stand.schedules.log) == 4
    assert len(stand.calendars.log) == 2


async def test_an_unknown_member_fails_at_once_with_the_providers_answer(
    providers: tuple[fake.Providers, str], store: Store
) -> None:
    stand, base = providers
    directory = await seed_people(store, stand, NOW)
    stand.dingtalk.members.discard("0456zhaomin")
    await add_lesson(store, START, key=KEY)
    _, report = await push_round(store, calendar_settings(base), directory, NOW)
    assert (report.sent, report.failed) == (2, 1)
    failed = [row for row in await calendar_rows(store) if row.status == "failed"]
    assert "60121" in failed[0].last_error
    assert failed[0].attempts == 1
    assert failed[0].data["provider"] == "dingtalk"


async def test_a_past_lesson_is_left_as_it_was_pushed(
    providers: tuple[fake.Providers, str], store: Store
) -> None:
    stand, base = providers
    directory = await seed_people(store, stand, NOW)
    await add_lesson(store, START, key=KEY)
    settings = calendar_settings(base)
    await push_round(store, settings, directory, NOW)
    after = START + dt.timedelta(hours=2)
    await move_lesson(store, KEY, after, status="cancelled", revision=1)  # a late record
    planned, _ = await push_round(store, settings, directory, after)
    assert planned == 0
    assert len(stand.schedules.schedules) == 2
