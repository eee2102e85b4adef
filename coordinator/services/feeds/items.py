"""One dated lesson as a feed's owner sees it: the classroom's view or the teacher's."""

from __future__ import annotations

import datetime as dt

from coordinator import models
from coordinator.calendar import FeedItem, LessonStatus, classroom_lesson_text, teacher_lesson_text
from coordinator.calendar.feed import Language
from coordinator.services.data.directory import Directory
from coordinator.services.feeds.tokens import FeedOwner

CLASSROOM_VIEW = ("classroom", "assistant")


def owner_lesson_item(
    directory: Directory,
    owner: FeedOwner,
    lesson: models.LessonRow,
    *,
    room_ids: list[str],
    room: str,
    link: str,
    language: Language,
    status: LessonStatus,
    last_modified: dt.datetime,
) -> FeedItem:
    """`room_ids` name the grades (and, for a teacher's view, the rooms); `room` is the
    classroom a classroom's or assistant's view is written for."""
    subject = directory.subject_name(lesson.subject_id, language)
    grade = [directory.classrooms[r].grade for r in room_ids if r in directory.classrooms]
    if owner.kind in CLASSROOM_VIEW:
        teacher = directory.teachers.get(lesson.teacher_id)
        text = classroom_lesson_text(
            subject=subject,
            grade=grade,
            teacher=teacher.name if teacher else lesson.teacher_id,
            teacher_phone=teacher.phone if teacher else "",
            room=directory.room(room),
            link=link,
            language=language,
        )
    else:
        text = teacher_lesson_text(
            subject=subject,
            grade=grade,
            rooms=[directory.room(r) for r in room_ids],
            link=link,
            language=language,
        )
    return FeedItem(
        uid=lesson.uid,
        summary=text.summary,
        description=text.description,
        link_label=text.link_label,
        start=lesson.start,
        end=lesson.end,
        last_modified=last_modified,
        tzid=lesson.time_zone,
        status=status,
        sequence=lesson.revision,
        url=link,
    )
