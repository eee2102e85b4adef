"""After a lesson, what the platform saw is read back and stored beside the check-ins."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import aiohttp
import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlmodel import select

from coordinator import models
from coordinator.jobs import Jobs
from coordinator.services.notifications.reminders import Notifier
from coordinator.services.streaming.evidence import evidence_jobs, pull_evidence
from coordinator.store import Store
from tests.notify.support import NOW, add_lesson, seed, settings
from tests.services.streaming.platforms import FakePlatforms, meeting_sync, serving, streams_for

START = NOW + dt.timedelta(hours=1)
OPEN = START - dt.timedelta(minutes=10)
AFTER = START + dt.timedelta(minutes=55)
KEY = "s-music@2026-11-23"


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakePlatforms, str]]:
    async with serving(OPEN) as served:
        yield served


async def evidence_rows(store: Store) -> list[tuple[str, str | None, str, int, int]]:
    async with store.read() as session:
        rows = (await session.exec(select(models.PlatformEvidenceRow))).all()
    found = [(r.participant, r.classroom_id, r.name, r.seconds, r.viewers) for r in rows]
    return sorted(found)


@pytest.mark.parametrize("platform", ["wemeet", "wecom_living", "dingtalk_meeting"])
async def test_participants_are_read_matched_to_classrooms_and_stored_once(
    store: Store, fake: tuple[FakePlatforms, str], platform: str
) -> None:
    server, api_url = fake
    directory = await seed(store)
    await add_lesson(store, START)
    notifier = Notifier(settings("http://127.0.0.1:9"), streams_for(platform, api_url))
    async with aiohttp.ClientSession() as http:
        sync = meeting_sync(store, http)
        await sync.sync(store, notifier.streams, directory, lesson_key=KEY, revision=0, now=OPEN)
        [meeting_id] = server.meetings
        server.attendance[meeting_id] = [("wangli", "王丽", 2400), ("east-pc", "东村三(1)", 2280)]
        server.viewers = 37
        planned = await evidence_jobs(store, OPEN)
        server.now = AFTER
        first = await pull_evidence(
            store, notifier, directory, lesson_key=KEY, revision=0, now=AFTER, sync=sync
        )
        again = await pull_evidence(
            store, notifier, directory, lesson_key=KEY, revision=0, now=AFTER, sync=sync
        )
    rows = await evidence_rows(store)
    expected = [
        ("east-pc", "c-east-3", "东村三(1)", 2280, 0),
        ("wangli", None, "王丽", 2400, 0),
        ("west-pc", "c-west-3", "", 0, 0),  # its account never joined
    ]
    if platform == "wecom_living":  # names are not in the watch statistics; a viewer count is
        expected = [("*", None, "", 0, 37), *[(a, c, "", s, v) for a, c, _, s, v in expected]]
    assert [(job.id, job.run_at) for job in planned] == [
        (f"evidence:{KEY}:0", START + dt.timedelta(minutes=50))
    ]
    assert first == again == len(expected)
    assert rows == expected


async def test_the_worker_reads_attendance_once_after_the_lesson(
    store: Store, fake: tuple[FakePlatforms, str]
) -> None:
    server, api_url = fake
    directory = await seed(store)
    await add_lesson(store, START)
    notifier = Notifier(settings("http://127.0.0.1:9"), streams_for("wemeet", api_url))
    async with aiohttp.ClientSession() as http:
        sync = meeting_sync(store, http)
        await sync.sync(store, notifier.streams, directory, lesson_key=KEY, revision=0, now=OPEN)
        [meeting_id] = server.meetings
        server.attendance[meeting_id] = [("wangli", "王丽", 2400), ("east-pc", "东村", 2000)]
        server.now = AFTER
        jobs = Jobs(
            store, notifier, {}, AsyncIOScheduler(timezone=dt.UTC), clock=lambda: AFTER, sync=sync
        )
        await jobs.rebuild()
        planned = sorted(j.id for j in jobs.scheduler.get_jobs() if j.id.startswith("evidence:"))
        await jobs.evidence(KEY, 0)
        server.attendance[meeting_id] = []  # a second run would store nothing: it is skipped
        await Jobs(
            store, notifier, {}, AsyncIOScheduler(timezone=dt.UTC), clock=lambda: AFTER, sync=sync
        ).evidence(KEY, 0)
    assert planned == [f"evidence:{KEY}:0"]
    assert [row[:2] for row in await evidence_rows(store)] == [
        ("east-pc", "c-east-3"),
        ("wangli", None),
        ("west-pc", "c-west-3"),
    ]


@pytest.mark.parametrize(
    ("platform", "pages"), [("wemeet", 7), ("wecom_living", 7), ("dingtalk_meeting", 3)]
)
async def test_a_large_meetings_participants_are_read_page_after_page(
    store: Store, fake: tuple[FakePlatforms, str], platform: str, pages: int
) -> None:
    """650 joins: Tencent Meeting gives 100 a page, WeCom 100, DingTalk 300; the classroom's
    account joined twice, on the first and on the last page, and its time is summed."""
    server, api_url = fake
    directory = await seed(store)
    await add_lesson(store, START)
    notifier = Notifier(settings("http://127.0.0.1:9"), streams_for(platform, api_url))
    async with aiohttp.ClientSession() as http:
        sync = meeting_sync(store, http)
        await sync.sync(store, notifier.streams, directory, lesson_key=KEY, revision=0, now=OPEN)
        [meeting_id] = server.meetings
        pupils = [(f"pupil-{n:03}", f"学生{n}", 60 + n) for n in range(648)]
        server.attendance[meeting_id] = [
            ("east-pc", "东村", 1200),
            *pupils,
            ("east-pc", "东村", 900),
        ]
        server.now = AFTER
        stored = await pull_evidence(
            store, notifier, directory, lesson_key=KEY, revision=0, now=AFTER, sync=sync
        )
    rows = {
        participant: (room, seconds)
        for participant, room, _, seconds, _ in await evidence_rows(store)
    }
    counted = 1 if platform == "wecom_living" else 0  # the "*" viewer count
    assert server.pages == pages
    assert stored == len(rows) == 648 + 2 + counted
    assert rows["east-pc"] == ("c-east-3", 2100)
    assert rows["pupil-647"] == (None, 707)
    assert rows["west-pc"] == ("c-west-3", 0)
