"""Meetings made through the platforms' APIs, against loopback platforms that check signatures
and tokens: created once when the window opens, moved, cancelled, each change once."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import aiohttp
import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlmodel import select

from coordinator import models
from coordinator.jobs import Jobs
from coordinator.services.data.directory import Directory
from coordinator.services.notifications.reminders import Notifier, send_reminders
from coordinator.services.streaming.meetings import MeetingNotSyncedError, MeetingSync
from coordinator.store import Store
from tests.notify.support import NOW, add_lesson, seed, settings
from tests.services.streaming.platforms import (
    CORP,
    DING_KEY,
    PLATFORMS,
    FakePlatforms,
    meeting_sync,
    serving,
    streams_for,
)

START = NOW + dt.timedelta(hours=1)
OPEN = START - dt.timedelta(minutes=10)  # inside the window (15 minutes before)
KEY = "s-music@2026-11-23"


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakePlatforms, str]]:
    async with serving(OPEN) as served:
        yield served


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def change_lesson(store: Store, **changes: object) -> int:
    """Edit the lesson as publishing would (every change raises its revision)."""
    async with store.write() as session:
        lesson = await session.get(models.LessonRow, KEY)
        assert lesson is not None
        for name, value in changes.items():
            setattr(lesson, name, value)
        lesson.revision += 1
        session.add(lesson)
        return lesson.revision


async def stored(store: Store) -> list[models.PlatformMeetingRow]:
    async with store.read() as session:
        return list((await session.exec(select(models.PlatformMeetingRow))).all())


async def sync(
    sync_: MeetingSync,
    store: Store,
    directory: Directory,
    platform: str,
    api_url: str,
    revision: int,
    now: dt.datetime = OPEN,
) -> int | None:
    return await sync_.sync(
        store, streams_for(platform, api_url), directory, lesson_key=KEY, revision=revision, now=now
    )


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_a_meeting_is_created_moved_and_cancelled_once_each(
    store: Store, fake: tuple[FakePlatforms, str], http: aiohttp.ClientSession, platform: str
) -> None:
    server, api_url = fake
    directory = await seed(store)
    await add_lesson(store, START)
    meetings = meeting_sync(store, http)
    made = await sync(meetings, store, directory, platform, api_url, 0)
    again = await sync(meetings, store, directory, platform, api_url, 0)
    [row] = await stored(store)
    later = START + dt.timedelta(hours=2)
    moved = await change_lesson(store, start=later, end=later + dt.timedelta(minutes=40))
    await sync(meetings, store, directory, platform, api_url, moved)
    await sync(meetings, store, directory, platform, api_url, moved)
    [meeting] = server.meetings.values()
    moved_to = (meeting.start, meeting.end)
    cancelled = await change_lesson(store, status="cancelled")
    await sync(meetings, store, directory, platform, api_url, cancelled)
    await sync(meetings, store, directory, platform, api_url, cancelled)
    [after] = await stored(store)
    actions = [action for _, action in server.calls]
    expected = ["create", "sub_classes", "update", "cancel"]
    if platform != "classin":
        expected.remove("sub_classes")
    assert actions == expected
    assert (made, again) == (len(expected) - 2, 0)
    assert (row.provider, row.state, row.revision) == (platform, "active", 0)
    assert row.meeting_id in (next(iter(server.meetings)), f"30:{next(iter(server.meetings))}")
    assert moved_to == (int(later.timestamp()), int(later.timestamp()) + 40 * 60)
    assert meeting.subject == "音乐"
    assert meeting.cancelled
    assert (after.state, after.revision) == ("cancelled", cancelled)


async def test_join_links_and_classin_sub_classes_are_what_the_platform_gave(
    store: Store, fake: tuple[FakePlatforms, str], http: aiohttp.ClientSession
) -> None:
    server, api_url = fake
    directory = await seed(store)
    await add_lesson(store, START)
    await sync(meeting_sync(store, http), store, directory, "wemeet", api_url, 0)
    [row] = await stored(store)
    async with store.write() as session:
        await session.delete(await session.get(models.PlatformMeetingRow, KEY))
    await sync(meeting_sync(store, http), store, directory, "classin", api_url, 0)
    classin = server.meetings[max(server.meetings)]
    assert (row.join_url, row.code) == ("https://meeting.tencent.com/dm/1001", "8061001")
    assert [
        {k: v for k, v in sub.items() if k != "uniqueIdentity"} for sub in classin.sub_classes
    ] == [
        {"courseId": 31, "className": "东村小学 三年级（1）班", "assistantUids": [2000001]},
        {"courseId": 32, "className": "西村教学点 三年级", "assistantUids": [2000002]},
    ]


async def test_a_classin_class_whose_answer_was_lost_is_found_not_made_again(
    store: Store, fake: tuple[FakePlatforms, str], http: aiohttp.ClientSession
) -> None:
    """ClassIn's uniqueIdentity: a worker killed after ClassIn made the class but before it
    wrote the row asks again and gets the first class back, sub-classes not added twice."""
    server, api_url = fake
    directory = await seed(store)
    await add_lesson(store, START)
    await sync(meeting_sync(store, http), store, directory, "classin", api_url, 0)
    [first] = await stored(store)
    async with store.write() as session:  # the write that the killed worker never made
        await session.delete(await session.get(models.PlatformMeetingRow, KEY))
    again = await sync(meeting_sync(store, http), store, directory, "classin", api_url, 0)
    [row] = await stored(store)
    [meeting] = server.meetings.values()
    assert again == 2  # asked again (create, sub-classes) ...
    assert (row.meeting_id, row.state) == (first.meeting_id, "active")  # ... the same class
    assert len(meeting.sub_classes) == 2


@pytest.mark.parametrize("platform", ["wecom_living", "dingtalk_meeting"])
async def test_an_expired_token_is_renewed_once_and_the_call_made(
    store: Store, fake: tuple[FakePlatforms, str], http: aiohttp.ClientSession, platform: str
) -> None:
    server, api_url = fake
    directory = await seed(store)
    await add_lesson(store, START)
    meetings = meeting_sync(store, http)
    await sync(meetings, store, directory, platform, api_url, 0)
    server.expire_tokens()  # revoked early, or the 7,200 s ran out on the platform's clock
    moved = await change_lesson(store, start=START + dt.timedelta(minutes=5))
    made = await sync(meetings, store, directory, platform, api_url, moved)
    assert made == 1
    assert server.issued == 2
    assert [action for _, action in server.calls] == ["create", "update"]


@pytest.mark.parametrize(
    ("platform", "key"),
    [
        ("wecom_living", ("wecom", f"{CORP}:living")),
        ("dingtalk_meeting", ("dingtalk", f"{DING_KEY}/v1.0")),
    ],
)
async def test_worker_processes_share_one_token_through_the_access_token_table(
    store: Store,
    fake: tuple[FakePlatforms, str],
    http: aiohttp.ClientSession,
    platform: str,
    key: tuple[str, str],
) -> None:
    """The notification channels' table: one process fetches, the others read it."""
    server, api_url = fake
    directory = await seed(store)
    await add_lesson(store, START)
    await sync(meeting_sync(store, http), store, directory, platform, api_url, 0)
    moved = await change_lesson(store, start=START + dt.timedelta(minutes=5))
    await sync(meeting_sync(store, http), store, directory, platform, api_url, moved)
    issued_before = server.issued
    server.expire_tokens()
    moved = await change_lesson(store, start=START + dt.timedelta(minutes=10))
    await sync(meeting_sync(store, http), store, directory, platform, api_url, moved)
    moved = await change_lesson(store, start=START + dt.timedelta(minutes=15))
    await sync(meeting_sync(store, http), store, directory, platform, api_url, moved)
    async with store.read() as session:
        rows = (await session.exec(select(models.AccessTokenRow))).all()
    assert issued_before == 1
    assert server.issued == 2
    assert [(row.provider, row.app, row.token) for row in rows] == [(*key, "token-2")]
    assert [action for _, action in server.calls] == ["create", "update", "update", "update"]


@pytest.mark.parametrize(
    ("platform", "message"),
    [
        ("wemeet", "200003: 签名校验失败 \\(check \\[streams.wemeet\\] secret_id/secret_key\\)"),
        ("classin", "code 101002005: 签名异常 \\(check \\[streams.classin\\] sid/secret\\)"),
        ("wecom_living", "WeCom gettoken: HTTP 200, errcode 40001: invalid credential"),
        ("dingtalk_meeting", "DingTalk oauth2/accessToken: HTTP 400, invalidClientSecret: bad"),
    ],
)
async def test_rotated_keys_are_reported_and_nothing_is_stored(
    store: Store,
    fake: tuple[FakePlatforms, str],
    http: aiohttp.ClientSession,
    platform: str,
    message: str,
) -> None:
    server, api_url = fake
    directory = await seed(store)
    await add_lesson(store, START)
    server.keys_revoked = True
    with pytest.raises(MeetingNotSyncedError, match=message):
        await sync(meeting_sync(store, http), store, directory, platform, api_url, 0)
    assert await stored(store) == []
    assert server.meetings == {}


@pytest.mark.parametrize(
    ("platform", "message"),
    [
        ("wemeet", "190303: 时间戳过期"),
        ("classin", "code 101002006: 验签时间戳过期 \\(check \\[streams.classin\\]"),
    ],
)
async def test_a_signature_five_minutes_old_is_refused_as_the_platform_says(
    store: Store,
    fake: tuple[FakePlatforms, str],
    http: aiohttp.ClientSession,
    platform: str,
    message: str,
) -> None:
    """An expired signature (the server's clock off): said with the platform's own words."""
    server, api_url = fake
    directory = await seed(store)
    await add_lesson(store, START)
    skewed = OPEN + dt.timedelta(minutes=6)
    with pytest.raises(MeetingNotSyncedError, match=message):
        await sync(meeting_sync(store, http), store, directory, platform, api_url, 0, skewed)
    assert server.meetings == {}


@pytest.mark.parametrize(
    ("platform", "message"),
    [
        ("wemeet", "Tencent Meeting create: HTTP 500, 9003: 系统繁忙"),
        ("wecom_living", "WeCom create: HTTP 200, errcode -1: system busy"),
        ("dingtalk_meeting", "DingTalk create: HTTP 503, ServiceUnavailable: busy"),
        ("classin", "ClassIn create: HTTP 200, code 500: 服务器繁忙"),
    ],
)
async def test_a_platform_error_fails_the_job_and_the_retry_creates_one_meeting(
    store: Store,
    fake: tuple[FakePlatforms, str],
    http: aiohttp.ClientSession,
    platform: str,
    message: str,
) -> None:
    server, api_url = fake
    directory = await seed(store)
    await add_lesson(store, START)
    meetings = meeting_sync(store, http)
    server.busy = 1
    with pytest.raises(MeetingNotSyncedError, match=f"lesson {KEY}: {message}"):
        await sync(meetings, store, directory, platform, api_url, 0)
    nothing = await stored(store)
    await sync(meetings, store, directory, platform, api_url, 0)
    assert nothing == []
    assert len(server.live()) == 1


async def test_unreachable_platform_and_a_lesson_already_over(
    store: Store, http: aiohttp.ClientSession
) -> None:
    from tests.notify.support import free_port

    directory = await seed(store)
    await add_lesson(store, START)
    gone = f"http://127.0.0.1:{free_port()}"
    meetings = meeting_sync(store, http)
    with pytest.raises(MeetingNotSyncedError, match="OSError"):
        await sync(meetings, store, directory, "wemeet", gone, 0)
    over = await sync(meetings, store, directory, "wemeet", gone, 0, START + dt.timedelta(hours=1))
    stale = await sync(meetings, store, directory, "wemeet", gone, 7)
    assert (over, stale) == (0, 0)


def jobs_for(store: Store, api_url: str, http: aiohttp.ClientSession, now: dt.datetime) -> Jobs:
    notifier = Notifier(settings("http://127.0.0.1:9"), streams_for("wemeet", api_url))
    return Jobs(
        store,
        notifier,
        {},
        AsyncIOScheduler(timezone=dt.UTC),
        clock=lambda: now,
        sync=meeting_sync(store, http),
    )


async def test_one_meeting_per_lesson_across_a_worker_restart(
    store: Store, fake: tuple[FakePlatforms, str], http: aiohttp.ClientSession
) -> None:
    server, api_url = fake
    await seed(store)
    await add_lesson(store, START)
    first = jobs_for(store, api_url, http, NOW)
    await first.rebuild()
    [job] = [j for j in first.scheduler.get_jobs() if j.id.startswith("room:")]
    first.clock = lambda: OPEN
    # The job made the meeting, then the worker died before it recorded the run.
    await first.meetings.sync(
        store, first.notifier.streams, await first.directory(), lesson_key=KEY, revision=0, now=OPEN
    )
    second = jobs_for(store, api_url, http, OPEN)  # a new process: no memory, no tokens
    await second.rebuild()
    await second.room(KEY, 0)
    await second.room(KEY, 0)
    moved = await change_lesson(store, start=START + dt.timedelta(minutes=30))
    third = jobs_for(store, api_url, http, OPEN)
    await third.rebuild()
    [update] = [j for j in third.scheduler.get_jobs() if j.id.startswith("room:")]
    await third.room(KEY, moved)
    await jobs_for(store, api_url, http, OPEN).room(KEY, moved)
    assert job.id == f"room:{KEY}:0"
    assert START - dt.timedelta(minutes=20) <= job.trigger.run_date < START
    assert update.id == f"room:{KEY}:{moved}"
    assert update.trigger.run_date == OPEN  # at once, not when the new window opens
    assert [action for _, action in server.calls] == ["create", "update"]
    assert len(server.meetings) == 1


async def test_a_reminder_after_the_meeting_is_made_carries_its_join_link(
    store: Store, fake: tuple[FakePlatforms, str], http: aiohttp.ClientSession
) -> None:
    _, api_url = fake
    directory = await seed(store)
    await add_lesson(store, START)
    await sync(meeting_sync(store, http), store, directory, "wemeet", api_url, 0)
    notifier = Notifier(settings("http://127.0.0.1:9"), streams_for("wemeet", api_url))
    queued = await send_reminders(store, notifier, directory, lesson_key=KEY, revision=0, now=OPEN)
    async with store.read() as session:
        bodies = [row.body for row in (await session.exec(select(models.NotificationRow))).all()]
    assert queued == len(bodies) > 0
    assert all("https://meeting.tencent.com/dm/1001" in body for body in bodies)


async def test_a_school_leaving_the_platform_has_its_meeting_cancelled(
    store: Store, fake: tuple[FakePlatforms, str], http: aiohttp.ClientSession
) -> None:
    server, api_url = fake
    directory = await seed(store)
    await add_lesson(store, START)
    meetings = meeting_sync(store, http)
    await sync(meetings, store, directory, "wemeet", api_url, 0)
    # The county takes the school off Tencent Meeting (its section stays configured).
    wemeet = streams_for("wemeet", api_url)
    elsewhere = wemeet.model_copy(update={"provider": None})
    moved = await change_lesson(store, start=START + dt.timedelta(minutes=5))
    handed_over = await meetings.sync(
        store, elsewhere, directory, lesson_key=KEY, revision=moved, now=OPEN
    )
    [row] = await stored(store)
    again = await meetings.sync(
        store, elsewhere, directory, lesson_key=KEY, revision=moved, now=OPEN
    )
    assert (handed_over, again) == (None, None)  # the school's own provider takes over
    assert [action for _, action in server.calls] == ["create", "cancel"]
    assert row.state == "cancelled"
