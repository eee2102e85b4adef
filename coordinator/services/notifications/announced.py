"""What people last knew of each upcoming lesson, so a change notice says before → after.

After every rebuild the worker notes the time and teacher of the lessons within the change
horizon (`note_lessons`); a change notice reads the note of its lesson (`announced_before`)
before the note moves on to the new revision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select

from coordinator import models
from coordinator.store import Store


async def announced_before(
    store: Store, lessons: Iterable[models.LessonRow]
) -> dict[str, models.LessonAnnouncedRow]:
    """The notes of these lessons taken at an earlier revision, by lesson key."""
    current = {lesson.key: lesson.revision for lesson in lessons}
    if not current:
        return {}
    table = models.LessonAnnouncedRow
    async with store.read() as session:
        found = (await session.exec(select(table).where(col(table.lesson_key).in_(current)))).all()
    return {row.lesson_key: row for row in found if row.revision < current[row.lesson_key]}


async def note_lessons(
    store: Store, lessons: Iterable[models.LessonRow], *, now: dt.datetime
) -> int:
    """Note each lesson's time and teacher at its revision (a newer revision replaces the
    note; the same one leaves it); the number of lessons noted."""
    values = [
        {
            "lesson_key": lesson.key,
            "revision": lesson.revision,
            "start": lesson.start,
            "teacher_id": lesson.teacher_id,
            "noted_at": now,
        }
        for lesson in lessons
    ]
    if not values:
        return 0
    table = models.LessonAnnouncedRow
    insert = (sqlite_insert if store.is_sqlite else postgresql_insert)(table).values(values)
    newer = insert.excluded.revision > col(table.revision)
    statement = insert.on_conflict_do_update(
        index_elements=["lesson_key"],
        set_={
            "revision": insert.excluded.revision,
            "start": insert.excluded.start,
            "teacher_id": insert.excluded.teacher_id,
            "noted_at": insert.excluded.noted_at,
        },
        where=newer,
    )
    async with store.write() as session:
        await session.exec(statement)
    return len(values)


async def note_upcoming(store: Store, *, horizon: dt.timedelta, now: dt.datetime) -> int:
    """Note every lesson not cancelled that starts within `horizon` from now."""
    table = models.LessonRow
    query = (
        select(table)
        .where(col(table.status) != "cancelled")
        .where(col(table.start) > now, col(table.start) <= now + horizon)
    )
    async with store.read() as session:
        lessons = list((await session.exec(query)).all())
    return await note_lessons(store, lessons, now=now)
