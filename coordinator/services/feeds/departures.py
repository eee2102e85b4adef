"""Lessons a classroom was taken out of: its feeds show them cancelled for a while."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import models
from coordinator.calendar import (
    FeedItem,
    LessonStatus,
    classroom_lesson_text,
    teacher_lesson_text,
)
from coordinator.calendar.feed import Language
from coordinator.services.data.directory import Directory
from coordinator.services.feeds.tokens import FeedOwner

CLASSROOM_VIEW = ("classroom", "assistant")
Departures = dict[str, dict[str, dt.datetime]]  # lesson key -> classroom -> when it left


async def recent_departures(
    session: AsyncSession, classrooms: Iterable[str], *, first: dt.date, since: dt.datetime
) -> Departures:
    """The lessons the classrooms left that a feed still shows: dated from `first` on, or left
    since `since` (as a cancelled lesson is kept), with when each classroom left."""
    departure, lesson = models.LessonDepartureRow, models.LessonRow
    query = (
        select(departure)
        .join(lesson, col(lesson.key) == col(departure.lesson_key))
        .where(
            col(departure.classroom_id).in_(list(classrooms)),
            or_(col(lesson.date) >= first, col(departure.left_at) >= since),
        )
    )
    departures: Departures = defaultdict(dict)
    for row in (await session.exec(query)).all():
        departures[row.lesson_key][row.classroom_id] = row.left_at
    return departures


def departed_item(
    directory: Directory,
    owner: FeedOwner,
    lesson: models.LessonRow,
    left: dict[str, dt.datetime],
    language: Language,
) -> FeedItem:
    """The lesson as the owner's classrooms that left it see it: cancelled, without a link."""
    subject = directory.subject_name(lesson.subject_id, language)
    room_ids = sorted(left)
    grade = [directory.classrooms[r].grade for r in room_ids if r in directory.classrooms]
    teacher = directory.teachers.get(lesson.teacher_id)
    if owner.kind in CLASSROOM_VIEW:
        text = classroom_lesson_text(
            subject=subject,
            grade=grade,
            teacher=teacher.name if teacher else lesson.teacher_id,
            teacher_phone=teacher.phone if teacher else "",
            room=directory.room(room_ids[0]),
            link="",
            language=language,
        )
    else:
        rooms = [directory.room(r) for r in room_ids]
        text = teacher_lesson_text(
            subject=subject, grade=grade, rooms=rooms, link="", language=language
        )
    return FeedItem(
        uid=lesson.uid,
        summary=text.summary,
        description=text.description,
        link_label=text.link_label,
        start=lesson.start,
        end=lesson.end,
        last_modified=max(lesson.changed_at, *left.values()),
        tzid=lesson.time_zone,
        status=LessonStatus.CANCELLED,
        sequence=lesson.revision,
        url="",
    )
