"""Meetings made through a platform's API: created when a lesson's window opens, moved when it
moves, cancelled when it is cancelled, each change once.

The worker's `room:KEY:REV` job calls `MeetingSync.sync`. One `platform_meeting` row a lesson
holds the platform's meeting id and the lesson revision the platform was last told of, so a
job that runs again, or on a new leader, compares and finds nothing left to do. A call that
fails raises `RoomNotOpenedError`: the job is not recorded and the next rebuild plans it again.

Before a create call the row is written as an intent (`creating`, the lesson's times, no id):
a worker killed after the platform made the meeting but before the answer was stored leaves
it behind, and the next run looks the meeting up (`MeetingPlatform.lookup`) and adopts it
instead of making a second one; it creates only when the platform has none.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import models
from coordinator.errors import CoordinatorError
from coordinator.notify.tokens import AccessToken, TokenCache, TokenError
from coordinator.services.counters import FEEDS, bump_counter
from coordinator.services.data.directory import Directory
from coordinator.services.lessons.classrooms import classrooms_by_lesson
from coordinator.services.notifications.reminders import PlannedJob
from coordinator.services.streaming.links import link_request
from coordinator.store import Store
from coordinator.streams import LinkRequest, StreamsSettings
from coordinator.streams.platform import (
    ApiAnswer,
    ApiCall,
    CredentialRejected,
    Lookup,
    MeetingPlatform,
    PlatformError,
    PlatformMeeting,
    Signing,
)
from coordinator.streams.registry import meeting_platform

log = logging.getLogger(__name__)

Send = Callable[[ApiCall], Awaitable[ApiAnswer]]  # the worker's HTTP session sends calls
CHANGES_WITHIN = dt.timedelta(days=1)  # a moved or cancelled lesson ended longer ago is left
CREATING = "creating"  # the intent: a create call was sent, its answer not (yet) stored
LOOKUP_CALLS = 50  # pages and details asked at most when looking an interrupted create up


class MeetingNotSyncedError(CoordinatorError):
    """The platform refused or could not be reached; the job is tried again later."""


async def _no_send(call: ApiCall) -> ApiAnswer:
    raise OSError(f"this worker makes no HTTP calls ({call.url.split('?', 1)[0]})")


@dataclass
class MeetingSync:
    """How the worker talks to the platforms: its HTTP sender, and the access tokens every
    process shares (the notification channels' `access_token` table: one refreshes it)."""

    send: Send = _no_send
    tokens: TokenCache | None = None

    async def _token(self, platform: MeetingPlatform, stale: str) -> str:
        call = platform.token_call()
        if call is None:
            return ""  # the platform signs each call with its keys
        if self.tokens is None:
            raise PlatformError(f"{platform.label}: this process keeps no access tokens")

        async def fetch() -> AccessToken:
            token = platform.read_token(await self.send(call))
            return AccessToken(token.value, token.lifetime.total_seconds())

        provider, app = platform.token_key()
        return await self.tokens.token(provider, app, fetch, stale=stale)

    async def call(
        self,
        platform: MeetingPlatform,
        build: Callable[[Signing], ApiCall],
        what: str,
        now: dt.datetime,
    ) -> ApiAnswer:
        """Send one call, checked; a rejected token is renewed (once, by one process) and the
        call sent once more."""
        stale = ""
        for attempt in (1, 2):
            token = await self._token(platform, stale)
            signing = Signing(now, secrets.randbelow(2**31 - 1) + 1, token)
            answer = await self.send(build(signing))
            try:
                platform.check(answer, what)
                return answer
            except CredentialRejected:
                if attempt == 2 or platform.token_call() is None:
                    raise
                log.info("%s token refused during %s: getting a new one", platform.name, what)
                stale = token
        raise AssertionError("unreachable")

    async def sync(
        self,
        store: Store,
        streams: StreamsSettings,
        directory: Directory,
        *,
        lesson_key: str,
        revision: int,
        now: dt.datetime,
    ) -> int | None:
        """Bring the lesson's platform meeting up to date: the calls made (0: nothing to do).
        None when the lesson has nothing to do with a meeting platform."""
        found = await lesson_and_meeting(store, lesson_key)
        if found is None:
            return 0
        lesson, rooms, row = found
        teacher = directory.teachers.get(lesson.teacher_id)
        wanted = streams.provider_name(teacher.school_id if teacher else None)
        platform = meeting_platform(streams, wanted)
        if platform is None and (row is None or row.state == "cancelled"):
            return None  # not (or no longer) a platform's lesson: its provider's own calls
        if lesson.revision != revision:
            return 0  # a newer job carries the newer revision
        request = link_request(lesson, rooms, directory)
        try:
            if row is not None and row.state == CREATING and now <= lesson.end:
                row = await self._settle_intent(store, streams, row, request, now)
            made = await self._apply(store, streams, lesson, request, row, platform, now)
            return None if platform is None else made  # a school that left the platform
        except (PlatformError, TokenError, OSError, TimeoutError) as error:
            text = f"{type(error).__name__}: {error}" if isinstance(error, OSError) else str(error)
            raise MeetingNotSyncedError(f"lesson {lesson_key}: {text}") from error

    async def _apply(
        self,
        store: Store,
        streams: StreamsSettings,
        lesson: models.LessonRow,
        request: LinkRequest,
        row: models.PlatformMeetingRow | None,
        platform: MeetingPlatform | None,
        now: dt.datetime,
    ) -> int:
        live = row is not None and row.state != "cancelled"
        cancelled = lesson.status == "cancelled"
        if row is not None and live and (cancelled or row.provider != (platform and platform.name)):
            old = meeting_platform(streams, row.provider)
            if old is not None:
                await self.call(
                    old, lambda s: old.cancel(row.meeting_id, request, s), "cancel", now
                )
            await _save(store, row, state="cancelled", revision=lesson.revision, now=now)
            log.info("cancelled %s meeting %s of %s", row.provider, row.meeting_id, lesson.key)
            return 1 + await self._apply(store, streams, lesson, request, row, platform, now)
        if cancelled or platform is None or now > lesson.end:
            return 0
        if row is None or row.state == "cancelled":
            return await self._create(store, lesson, request, platform, now)
        made = 0
        if row.state == "created":  # e.g. adopted after a lost answer, the lesson moved since
            made = await self._follow_up(store, row, request, platform, now)
        if row.revision == lesson.revision:
            return made
        await self.call(
            platform, lambda s: platform.update(row.meeting_id, request, s), "update meeting", now
        )
        await _save(
            store, row, revision=lesson.revision, start=lesson.start, end=lesson.end, now=now
        )
        log.info("moved %s meeting %s of %s", platform.name, row.meeting_id, lesson.key)
        return made + 1

    async def _create(
        self,
        store: Store,
        lesson: models.LessonRow,
        request: LinkRequest,
        platform: MeetingPlatform,
        now: dt.datetime,
    ) -> int:
        row = models.PlatformMeetingRow(
            lesson_key=lesson.key,
            provider=platform.name,
            meeting_id="",
            revision=lesson.revision,
            state=CREATING,
            start=lesson.start,
            end=lesson.end,
            created_at=now,
            updated_at=now,
        )
        await _save(store, row, now=now)  # the intent, stored before the platform is asked
        try:
            answer = await self.call(platform, lambda s: platform.create(request, s), "create", now)
        except (PlatformError, TokenError):
            await _forget(store, row)  # refused, so nothing was made: no intent is left open
            raise
        meeting = platform.read_created(answer)  # unreadable: the intent stays, a retry looks
        await _adopt(store, row, meeting, now)
        log.info("created %s meeting %s for %s", platform.name, meeting.meeting_id, lesson.key)
        return 1 + await self._follow_up(store, row, request, platform, now)

    async def _settle_intent(
        self,
        store: Store,
        streams: StreamsSettings,
        row: models.PlatformMeetingRow,
        request: LinkRequest,
        now: dt.datetime,
    ) -> models.PlatformMeetingRow:
        """A create was sent and its answer never stored: the meeting it made, looked up
        with the intent's times and adopted (`created`); `cancelled` when there is none."""
        platform = meeting_platform(streams, row.provider)
        asked = replace(request, revision=row.revision, start=row.start, end=row.end)
        step = platform.lookup(asked) if platform is not None else Lookup()
        if step.next is None and not (platform and platform.create_is_idempotent):
            log.warning(
                "%s: the create for %s (sent %s) may have made a meeting whose answer was lost;"
                " the platform cannot be asked, so another is made: cancel the earlier one there",
                row.provider,
                row.lesson_key,
                row.updated_at.isoformat(),
            )
        for _ in range(LOOKUP_CALLS + 1):  # the last pass only reads what the last call found
            if step.found is not None or step.next is None or step.read is None:
                break
            assert platform is not None
            answer = await self.call(platform, step.next, "look up meeting", now)
            step = step.read(answer)
        else:
            raise PlatformError(f"{row.provider}: no answer after {LOOKUP_CALLS} lookup calls")
        if step.found is None:  # none was made: the intent is closed, a create may follow
            log.info("%s made no meeting for %s before", row.provider, row.lesson_key)
            await _save(store, row, state="cancelled", now=now)
            return row
        log.info(
            "adopted %s meeting %s of %s (its create's answer was lost)",
            row.provider,
            step.found.meeting_id,
            row.lesson_key,
        )
        await _adopt(store, row, step.found, now)
        return row

    async def _follow_up(
        self,
        store: Store,
        row: models.PlatformMeetingRow,
        request: LinkRequest,
        platform: MeetingPlatform,
        now: dt.datetime,
    ) -> int:
        probe = platform.follow_up(row.meeting_id, request, Signing(now, 1))
        if probe is not None:

            def build(signing: Signing) -> ApiCall:
                call = platform.follow_up(row.meeting_id, request, signing)
                assert call is not None
                return call

            await self.call(platform, build, "follow-up", now)
        await _save(store, row, state="active", now=now)
        return 0 if probe is None else 1


async def lesson_and_meeting(
    store: Store, lesson_key: str
) -> tuple[models.LessonRow, list[str], models.PlatformMeetingRow | None] | None:
    async with store.read() as session:
        lesson = await session.get(models.LessonRow, lesson_key)
        if lesson is None:
            return None
        rooms = await classrooms_by_lesson(session, [lesson])
        row = await session.get(models.PlatformMeetingRow, lesson_key)
    return lesson, list(rooms[lesson.key]), row


async def _adopt(
    store: Store, row: models.PlatformMeetingRow, meeting: PlatformMeeting, now: dt.datetime
) -> None:
    await _save(
        store,
        row,
        meeting_id=meeting.meeting_id,
        join_url=meeting.join_url,
        code=meeting.code,
        state="created",
        now=now,
    )


async def _forget(store: Store, row: models.PlatformMeetingRow) -> None:
    async with store.write() as session:
        found = await session.get(models.PlatformMeetingRow, row.lesson_key)
        if found is not None:
            await session.delete(found)


async def _save(
    store: Store, row: models.PlatformMeetingRow, *, now: dt.datetime, **changes: object
) -> None:
    for name, value in changes.items():
        setattr(row, name, value)
    row.updated_at = now
    async with store.write() as session:
        await session.merge(row)
        await bump_counter(session, FEEDS, now)  # feeds and pages show the join link


async def change_jobs(store: Store, now: dt.datetime) -> list[PlannedJob]:
    """A `room` job at once for each lesson whose meeting exists but which has moved or been
    cancelled since (the platform must hear of it now, not when the new window opens)."""
    table = models.PlatformMeetingRow
    query = (
        select(table, models.LessonRow)
        .join(models.LessonRow, col(models.LessonRow.key) == col(table.lesson_key))
        .where(
            col(table.state) != "cancelled",
            col(models.LessonRow.end) >= now - CHANGES_WITHIN,
        )
    )
    async with store.read() as session:
        found: Sequence[tuple[models.PlatformMeetingRow, models.LessonRow]] = (
            await session.exec(query)
        ).all()
    return [
        PlannedJob("room", lesson.key, lesson.revision, now)
        for row, lesson in found
        if row.revision != lesson.revision or row.state in ("created", CREATING)
    ]


async def platform_meetings(
    session: AsyncSession, lesson_keys: Sequence[str]
) -> dict[str, models.PlatformMeetingRow]:
    """The platform meetings of these lessons (cancelled ones too), by lesson key."""
    table = models.PlatformMeetingRow
    query = select(table).where(col(table.lesson_key).in_(list(lesson_keys)))
    return {row.lesson_key: row for row in (await session.exec(query)).all()}
