"""BigBlueButton rooms are opened by the worker when a lesson's window opens, against a loopback
server that checks the API checksum the way BigBlueButton does."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import aiohttp
import pytest
from aiohttp import web
from apscheduler.events import EVENT_JOB_ERROR, JobExecutionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from coordinator.jobs import Jobs, fetch_with
from coordinator.services.notifications.reminders import Notifier
from coordinator.services.streaming.rooms import RoomNotOpenedError, open_room, room_jobs
from coordinator.store import Store
from coordinator.streams import StreamsSettings
from coordinator.streams.bbb import BbbSettings, api_call_failure
from tests.notify.support import NOW, add_lesson, free_port, seed, settings

SECRET = "bbb-shared-secret"
START = NOW + dt.timedelta(hours=1)
SUCCESS = "<response><returncode>SUCCESS</returncode><meetingID>{}</meetingID></response>"
FAILED = (
    "<response><returncode>FAILED</returncode><messageKey>checksumError</messageKey>"
    "<message>You did not pass the checksum security check</message></response>"
)


@dataclass
class FakeBbb:
    """The create call of a BigBlueButton server: checksum checked, meetings remembered."""

    created: dict[str, int] = field(default_factory=dict)  # meetingID -> create calls
    refuse: int = 0  # answer FAILED this many times first

    async def create(self, request: web.Request) -> web.Response:
        query = request.rel_url.raw_query_string.rsplit("&checksum=", 1)
        expected = hashlib.sha256(f"create{query[0]}{SECRET}".encode()).hexdigest()
        if len(query) != 2 or query[1] != expected or self.refuse > 0:
            self.refuse = max(0, self.refuse - 1)
            return web.Response(text=FAILED, content_type="text/xml")
        meeting = request.query["meetingID"]
        self.created[meeting] = self.created.get(meeting, 0) + 1
        return web.Response(text=SUCCESS.format(meeting), content_type="text/xml")


@pytest.fixture
async def bbb() -> AsyncIterator[tuple[FakeBbb, str]]:
    fake = FakeBbb()
    app = web.Application()
    app.router.add_get("/bigbluebutton/api/create", fake.create)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield fake, f"http://127.0.0.1:{port}/bigbluebutton/api"
    await runner.cleanup()


def notifier(api_url: str) -> Notifier:
    streams = StreamsSettings(provider="bbb", bbb=BbbSettings(api_url=api_url, secret=SECRET))
    return Notifier(settings("http://127.0.0.1:9"), streams)


async def test_the_room_opens_once_when_the_window_opens(
    store: Store, bbb: tuple[FakeBbb, str]
) -> None:
    fake, api_url = bbb
    await seed(store)
    lesson = await add_lesson(store, START)
    async with aiohttp.ClientSession() as http:
        jobs = Jobs(
            store,
            notifier(api_url),
            {},
            AsyncIOScheduler(timezone=dt.UTC),
            clock=lambda: NOW,
            fetch=fetch_with(http),
        )
        await jobs.rebuild()
        [job] = [j for j in jobs.scheduler.get_jobs() if j.id.startswith("room:")]
        opens = job.trigger.run_date
        await jobs.room(lesson.key, 0)
        await jobs.room(lesson.key, 0)  # a new leader catching up: recorded, skipped
    assert job.id == f"room:{lesson.key}:0"
    assert START - dt.timedelta(hours=1) <= opens < START  # when the links start to work
    assert list(fake.created.values()) == [1]


async def test_a_refused_call_is_tried_again_then_reported(
    store: Store, bbb: tuple[FakeBbb, str]
) -> None:
    fake, api_url = bbb
    directory = await seed(store)
    lesson = await add_lesson(store, START)
    async with aiohttp.ClientSession() as http:
        fetch = fetch_with(http)
        fake.refuse = 2
        made = await open_room(
            store,
            notifier(api_url),
            directory,
            lesson_key=lesson.key,
            revision=0,
            now=NOW,
            fetch=fetch,
            pause_s=0,
        )
        fake.refuse = 5
        with pytest.raises(RoomNotOpenedError, match="checksum security check"):
            await open_room(
                store,
                notifier(api_url),
                directory,
                lesson_key=lesson.key,
                revision=0,
                now=NOW,
                fetch=fetch,
                pause_s=0,
            )
    assert made == 1
    assert list(fake.created.values()) == [1]


async def test_unreachable_server_stale_revision_and_closed_window(store: Store) -> None:
    directory = await seed(store)
    lesson = await add_lesson(store, START)
    gone = notifier(f"http://127.0.0.1:{free_port()}/bigbluebutton/api")
    async with aiohttp.ClientSession() as http:
        fetch = fetch_with(http)
        with pytest.raises(RoomNotOpenedError, match="not opened: OSError"):
            await open_room(
                store,
                gone,
                directory,
                lesson_key=lesson.key,
                revision=0,
                now=NOW,
                fetch=fetch,
                pause_s=0,
            )
        stale = await open_room(
            store, gone, directory, lesson_key=lesson.key, revision=1, now=NOW, fetch=fetch
        )
        over = START + dt.timedelta(hours=3)
        closed = await open_room(
            store, gone, directory, lesson_key=lesson.key, revision=0, now=over, fetch=fetch
        )
    assert (stale, closed) == (0, 0)


async def test_only_providers_with_server_calls_get_room_jobs(store: Store) -> None:
    directory = await seed(store)
    await add_lesson(store, START)
    from coordinator.services.notifications.reminders import upcoming_lessons
    from tests.notify.support import STREAMS

    static = Notifier(settings("http://127.0.0.1:9"), STREAMS)
    lessons = await upcoming_lessons(store, static, NOW)
    assert room_jobs(lessons, static, directory, NOW) == []
    assert len(room_jobs(lessons, notifier("http://bbb.example/api"), directory, NOW)) == 1


def test_a_failed_room_job_is_planned_again_by_the_next_rebuild(tmp_path: object) -> None:
    jobs = Jobs(
        Store(f"{tmp_path}/unused.db"),
        notifier("http://bbb.example/api"),
        {},
        AsyncIOScheduler(timezone=dt.UTC),
    )
    failed = JobExecutionEvent(EVENT_JOB_ERROR, "room:k@1:0", "default", NOW)
    other = JobExecutionEvent(EVENT_JOB_ERROR, "reminder:k@1:0", "default", NOW)
    jobs._finished(failed)
    jobs._finished(other)
    assert jobs.finished == {"reminder:k@1:0"}


@pytest.mark.parametrize(
    ("status", "body", "failure"),
    [
        (200, SUCCESS.format("m"), None),
        (200, FAILED, "FAILED: You did not pass the checksum security check"),
        (502, "bad gateway", "HTTP 502"),
        (200, "<response><returncode>FAILED</returncode></response>", "FAILED: no message"),
    ],
)
def test_api_answers_are_read_as_bigbluebutton_writes_them(
    status: int, body: str, failure: str | None
) -> None:
    assert api_call_failure(status, body) == failure
