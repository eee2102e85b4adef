"""The lessons an assistant sees: their classrooms only, and what they already reported."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

from coordinator import models
from coordinator.services.checkins.lookups import ATTENDANCE, CLASSROOMS, LESSONS, LINKS
from coordinator.store import Store

ASSISTANTS: Table = models.AssistantRow.__table__  # type: ignore[attr-defined]
SCHOOLS: Table = models.SchoolRow.__table__  # type: ignore[attr-defined]
SUBJECTS: Table = models.SubjectRow.__table__  # type: ignore[attr-defined]
TEACHERS: Table = models.NetworkTeacherRow.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class AssistantLesson:
    """A lesson as one assistant sees it: only their classrooms, and what they reported."""

    key: str
    date: dt.date
    start: dt.datetime
    end: dt.datetime
    status: str
    revision: int
    subject: dict[str, str]
    teacher: dict[str, str]
    classroom_ids: list[str] = field(default_factory=list)
    reported: dict[str, list[str]] = field(default_factory=dict)  # classroom -> kinds


async def assistant_lessons(
    store: Store, *, assistant_id: str, first: dt.date, last: dt.date
) -> tuple[str, list[AssistantLesson]]:
    """The assistant's school time zone and their lessons dated `first` to `last`."""
    async with store.reader.connect() as connection:
        zone_query = (
            select(SCHOOLS.c.time_zone)
            .join(ASSISTANTS, ASSISTANTS.c.school_id == SCHOOLS.c.id)
            .where(ASSISTANTS.c.id == assistant_id)
        )
        zone: str = (await connection.execute(zone_query)).scalar_one()
        lessons = await _lessons_of(connection, assistant_id, first, last)
        await _add_reports(connection, lessons)
    return zone, list(lessons.values())


async def _lessons_of(
    connection: AsyncConnection, assistant_id: str, first: dt.date, last: dt.date
) -> dict[str, AssistantLesson]:
    query = (
        select(
            LESSONS,
            LINKS.c.classroom_id,
            SUBJECTS.c.name_zh,
            SUBJECTS.c.name_en,
            TEACHERS.c.name.label("teacher_name"),
            TEACHERS.c.school_id.label("teacher_school_id"),
        )
        .join(LINKS, LINKS.c.lesson_key == LESSONS.c.key)
        .join(CLASSROOMS, CLASSROOMS.c.id == LINKS.c.classroom_id)
        .join(SUBJECTS, SUBJECTS.c.id == LESSONS.c.subject_id)
        .join(TEACHERS, TEACHERS.c.id == LESSONS.c.teacher_id)
        .where(CLASSROOMS.c.assistant_id == assistant_id, LESSONS.c.date.between(first, last))
        .order_by(LESSONS.c.start, LESSONS.c.key, LINKS.c.classroom_id)
    )
    lessons: dict[str, AssistantLesson] = {}
    for row in (await connection.execute(query)).all():
        lesson = lessons.get(row.key)
        if lesson is None:
            lesson = lessons[row.key] = AssistantLesson(
                key=row.key,
                date=row.date,
                start=row.start,
                end=row.end,
                status=row.status,
                revision=row.revision,
                subject={"id": row.subject_id, "name_zh": row.name_zh, "name_en": row.name_en},
                teacher={
                    "id": row.teacher_id,
                    "name": row.teacher_name,
                    "school_id": row.teacher_school_id,
                },
            )
        lesson.classroom_ids.append(row.classroom_id)
    return lessons


async def _add_reports(connection: AsyncConnection, lessons: dict[str, AssistantLesson]) -> None:
    if not lessons:
        return
    query = select(ATTENDANCE.c.lesson_key, ATTENDANCE.c.classroom_id, ATTENDANCE.c.kind).where(
        ATTENDANCE.c.lesson_key.in_(sorted(lessons))
    )
    for row in (await connection.execute(query)).all():
        lesson = lessons[row.lesson_key]
        if row.classroom_id in lesson.classroom_ids:
            lesson.reported.setdefault(row.classroom_id, []).append(row.kind)
