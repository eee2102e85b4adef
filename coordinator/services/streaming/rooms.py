"""Opening meeting rooms before a lesson: the provider's server calls (BigBlueButton `create`),
or the platform's meeting made through its API (`meetings`: Tencent Meeting, WeCom, DingTalk,
ClassIn).

Joins to a BigBlueButton meeting fail until the meeting exists, so when a lesson's link window
opens the worker requests the lesson's `server_calls`. The calls are idempotent (create with
one meetingID), so a job run twice, or by a new leader, does no harm. A failed call is tried
again a few times at once and then again at the worker's next full rebuild, while the window
is open.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable

from coordinator.errors import CoordinatorError
from coordinator.services.data.directory import Directory
from coordinator.services.notifications.reminders import (
    LessonContext,
    Notifier,
    PlannedJob,
    lesson_context,
)
from coordinator.services.streaming.links import links_of
from coordinator.services.streaming.meetings import MeetingSync
from coordinator.store import Store
from coordinator.streams.bbb import api_call_failure

log = logging.getLogger(__name__)

# GET a URL; the HTTP status and the body's text. The worker passes its aiohttp session's.
Fetch = Callable[[str], Awaitable[tuple[int, str]]]
ATTEMPTS = 3


class RoomNotOpenedError(CoordinatorError):
    """The provider refused or could not be reached; the job is tried again later."""


def room_jobs(
    lessons: list[LessonContext], notifier: Notifier, directory: Directory, now: dt.datetime
) -> list[PlannedJob]:
    """A `room` job when each lesson's window opens (at once if open already), for providers
    that need one; none for a window already closed."""
    jobs = []
    for context in lessons:
        links = links_of(notifier.streams, context.lesson, context.rooms, directory)
        if links is None or not links.server_calls or links.valid_until <= now:
            continue
        run_at = max(links.valid_from, now)
        jobs.append(PlannedJob("room", context.lesson.key, context.lesson.revision, run_at))
    return jobs


async def open_room(
    store: Store,
    notifier: Notifier,
    directory: Directory,
    *,
    lesson_key: str,
    revision: int,
    now: dt.datetime,
    fetch: Fetch,
    pause_s: float = 2.0,
    meetings: MeetingSync | None = None,
) -> int:
    """Make the lesson's server calls; the number made. RoomNotOpenedError when one fails.
    A meeting platform's lesson (and one that had a platform meeting) goes to `meetings`."""
    if meetings is not None:
        made = await meetings.sync(
            store, notifier.streams, directory, lesson_key=lesson_key, revision=revision, now=now
        )
        if made is not None:
            return made
    context = await lesson_context(store, lesson_key, revision)
    if context is None:
        return 0
    links = links_of(notifier.streams, context.lesson, context.rooms, directory)
    if links is None or links.valid_until <= now:
        return 0
    for call in links.server_calls:
        await _call(call.url, fetch, lesson_key, pause_s)
    log.info("opened %s room %s for lesson %s", links.provider, links.room, lesson_key)
    return len(links.server_calls)


async def _call(url: str, fetch: Fetch, lesson_key: str, pause_s: float) -> None:
    failure = "not tried"
    for attempt in range(1, ATTEMPTS + 1):
        try:
            status, body = await fetch(url)
            failure = api_call_failure(status, body) or ""
        except (OSError, TimeoutError) as error:
            failure = f"{type(error).__name__}: {error}"
        if not failure:
            return
        log.warning("room call for lesson %s failed (try %d): %s", lesson_key, attempt, failure)
        if attempt < ATTEMPTS:
            await asyncio.sleep(pause_s * attempt)
    raise RoomNotOpenedError(f"lesson {lesson_key}: the meeting room was not opened: {failure}")
