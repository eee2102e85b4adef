"""After a lesson: what its meeting platform saw (participants and their time, viewer counts),
stored beside the assistants' check-ins so reports can say "delivered" from two sources.

An `evidence:KEY:REV` job runs a little after the lesson ends; it asks the platform, matches
the accounts it saw to classrooms (`[streams.<platform>] classrooms`) and replaces the lesson's
rows in one transaction, so a second run leaves the same rows.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from sqlalchemy import delete
from sqlmodel import col, select

from coordinator import models
from coordinator.notify.tokens import TokenError
from coordinator.services.data.directory import Directory
from coordinator.services.notifications.reminders import Notifier, PlannedJob
from coordinator.services.streaming.links import link_request
from coordinator.services.streaming.meetings import (
    CHANGES_WITHIN,
    MeetingNotSyncedError,
    MeetingSync,
    lesson_and_meeting,
)
from coordinator.store import Store
from coordinator.streams.platform import (
    ApiCall,
    EvidenceStep,
    PlatformError,
    PlatformSettings,
    Seen,
    Signing,
)
from coordinator.streams.registry import meeting_platform

log = logging.getLogger(__name__)

EVIDENCE_AFTER = dt.timedelta(minutes=10)  # platforms finish their counts after the end
MAX_STEPS = 200  # pages: 20,000 Tencent Meeting participants


async def evidence_jobs(store: Store, now: dt.datetime) -> list[PlannedJob]:
    """An `evidence` job after each platform lesson that ended lately and has none yet."""
    meeting, lesson = models.PlatformMeetingRow, models.LessonRow
    query = (
        select(meeting, lesson)
        .join(lesson, col(lesson.key) == col(meeting.lesson_key))
        .where(
            col(meeting.state) == "active",
            col(lesson.status) != "cancelled",
            col(lesson.end) >= now - CHANGES_WITHIN,
            col(lesson.end) <= now + CHANGES_WITHIN,
        )
    )
    async with store.read() as session:
        found = (await session.exec(query)).all()
        keys = [row.lesson_key for row, _ in found]
        known = select(models.PlatformEvidenceRow.lesson_key).where(
            col(models.PlatformEvidenceRow.lesson_key).in_(keys)
        )
        done = set((await session.exec(known)).all())
    return [
        PlannedJob(
            "evidence",
            row.lesson_key,
            lesson_row.revision,
            max(lesson_row.end + EVIDENCE_AFTER, now),
        )
        for row, lesson_row in found
        if row.lesson_key not in done
    ]


def _rows(
    lesson_key: str, provider: str, seen: Iterable[Seen], accounts: dict[str, str], now: dt.datetime
) -> list[models.PlatformEvidenceRow]:
    merged: dict[str, models.PlatformEvidenceRow] = {}
    for entry in seen:
        row = merged.get(entry.participant)
        if row is None:
            row = merged[entry.participant] = models.PlatformEvidenceRow(
                lesson_key=lesson_key,
                participant=entry.participant,
                provider=provider,
                name=entry.name,
                classroom_id=accounts.get(entry.participant),
                fetched_at=now,
            )
        row.seconds += entry.seconds
        row.viewers = max(row.viewers, entry.viewers)
    return list(merged.values())


async def pull_evidence(
    store: Store,
    notifier: Notifier,
    directory: Directory,
    *,
    lesson_key: str,
    revision: int,
    now: dt.datetime,
    sync: MeetingSync,
) -> int:
    """Ask the lesson's platform who was there and store it; the number of rows stored."""
    found = await lesson_and_meeting(store, lesson_key)
    if found is None:
        return 0
    lesson, rooms, row = found
    if lesson.revision != revision or row is None or row.state != "active":
        return 0
    platform = meeting_platform(notifier.streams, row.provider)
    section = notifier.streams.section(row.provider) if platform else None
    if platform is None or not isinstance(section, PlatformSettings):
        return 0
    request = link_request(lesson, rooms, directory)
    meeting_id = row.meeting_id
    if platform.evidence(meeting_id, request, Signing(now, 1)) is None:
        return 0  # the platform tells coordinator nothing of who was there

    def first(signing: Signing) -> ApiCall:
        call = platform.evidence(meeting_id, request, signing)
        assert call is not None
        return call

    seen: list[Seen] = []
    step = EvidenceStep((), first)
    try:
        for _ in range(MAX_STEPS):
            if step.next is None:
                break
            answer = await sync.call(platform, step.next, "attendance", now)
            read = step.read or (lambda answer: platform.read_evidence(answer, meeting_id, request))
            step = read(answer)
            seen += step.seen
        else:
            log.warning("lesson %s: %s has more than %d pages", lesson_key, row.provider, MAX_STEPS)
    except (PlatformError, TokenError, OSError, TimeoutError) as error:
        raise MeetingNotSyncedError(f"lesson {lesson_key}: attendance not read: {error}") from error
    accounts = {account: room for room, account in section.classrooms.items()}
    # A classroom with an account the platform never saw was not there: a row of 0 seconds.
    seen += [Seen(section.classrooms[room]) for room in rooms if room in section.classrooms]
    rows = _rows(lesson_key, row.provider, seen, accounts, now)
    async with store.write() as session:
        table = models.PlatformEvidenceRow
        await session.exec(delete(table).where(col(table.lesson_key) == lesson_key))
        session.add_all(rows)
    log.info("%s saw %d participant(s) in lesson %s", row.provider, len(rows), lesson_key)
    return len(rows)
