"""ClassIn's class summaries, posted by its data subscription, stored as platform evidence.

ClassIn tells nobody who was in a class when asked; it posts each class's summary (`End`) 20
minutes after the class closes. A main class is found by its id (the lesson's
`platform_meeting` row holds `course:class`), a sub-class by its course (`sub_courses` says
whose classroom it is) and its start (sub-classes keep the main class's time). Each user's
seconds are kept as ClassIn counted them, the larger of two deliveries, so a message posted
again changes nothing; the lesson's classrooms whose accounts never entered get 0 seconds.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import models
from coordinator.services.lessons.classrooms import classrooms_by_lesson
from coordinator.store import Store
from coordinator.streams.classin import ClassinSettings
from coordinator.streams.classin_push import ClassEnded

PROVIDER = "classin"
SAME_START = dt.timedelta(minutes=1)


def classroom_accounts(settings: ClassinSettings, rooms: list[str]) -> dict[str, str]:
    """ClassIn uid -> classroom: its own account if `classrooms` names one, else its
    assistant's (who runs the classroom's ClassIn)."""
    found = {}
    for room in rooms:
        account = settings.classrooms.get(room) or settings.assistants.get(room)
        if account:
            found[account] = room
    return found


async def _lesson_rooms(session: AsyncSession, key: str) -> tuple[str, list[str]] | None:
    lesson = await session.get(models.LessonRow, key)
    if lesson is None:
        return None
    return key, list((await classrooms_by_lesson(session, [lesson]))[key])


async def lesson_of_class(
    store: Store, settings: ClassinSettings, ended: ClassEnded
) -> tuple[str, list[str]] | None:
    """The lesson (and its classrooms) a main class or a sub-class belongs to, if any."""
    table = models.PlatformMeetingRow
    meetings = select(table).where(col(table.provider) == PROVIDER)
    async with store.read() as session:
        main = await session.exec(
            meetings.where(col(table.meeting_id) == f"{ended.course_id}:{ended.class_id}")
        )
        if (row := main.first()) is not None:
            return await _lesson_rooms(session, row.lesson_key)
        courses = {course: room for room, course in settings.sub_courses.items()}
        room = courses.get(ended.course_id)
        if room is None:
            return None
        start = dt.datetime.fromtimestamp(ended.start, dt.UTC)
        near = meetings.where(
            col(table.state) != "cancelled",
            col(table.start) >= start - SAME_START,
            col(table.start) <= start + SAME_START,
        )
        for row in (await session.exec(near)).all():
            found = await _lesson_with_room(session, row.lesson_key, room)
            if found is not None:
                return found
    return None


async def _lesson_with_room(
    session: AsyncSession, key: str, room: str
) -> tuple[str, list[str]] | None:
    found = await _lesson_rooms(session, key)
    return found if found is not None and room in found[1] else None


async def record_class_end(
    store: Store, settings: ClassinSettings, ended: ClassEnded, now: dt.datetime
) -> int:
    """Store who was in the class; the number of users it names (0: no lesson's class)."""
    found = await lesson_of_class(store, settings, ended)
    if found is None:
        return 0
    lesson_key, rooms = found
    accounts = classroom_accounts(settings, rooms)
    table = models.PlatformEvidenceRow
    async with store.write() as session:
        query = select(table).where(col(table.lesson_key) == lesson_key)
        rows = {row.participant: row for row in (await session.exec(query)).all()}
        for seen in ended.present:
            row = rows.get(seen.participant)
            if row is None:
                row = rows[seen.participant] = table(
                    lesson_key=lesson_key,
                    participant=seen.participant,
                    provider=PROVIDER,
                    classroom_id=accounts.get(seen.participant),
                    fetched_at=now,
                )
            row.seconds = max(row.seconds, seen.seconds)
            row.fetched_at = now
            session.add(row)
        for account, room in accounts.items():
            if account not in rows:
                session.add(
                    table(
                        lesson_key=lesson_key,
                        participant=account,
                        provider=PROVIDER,
                        classroom_id=room,
                        fetched_at=now,
                    )
                )
    return len(ended.present)
