"""Each dated lesson's stream links, from the provider its teacher's school uses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from coordinator import models
from coordinator.services.data.directory import Directory
from coordinator.streams import (
    ClassroomLinks,
    LessonLinks,
    Link,
    LinkKind,
    LinkRequest,
    Participant,
    StreamsSettings,
    lesson_links,
)
from coordinator.streams.platform import PLATFORM_CALL


def link_request(
    lesson: models.LessonRow,
    room_ids: Sequence[str],
    directory: Directory,
) -> LinkRequest:
    teacher = directory.teachers.get(lesson.teacher_id)
    rooms = tuple(
        Participant(room, directory.owner_name_of_classroom(room)) for room in sorted(room_ids)
    )
    return LinkRequest(
        lesson_key=lesson.key,
        revision=lesson.link_revision,
        teacher=Participant(lesson.teacher_id, teacher.name if teacher else lesson.teacher_id),
        classrooms=rooms,
        start=lesson.start,
        end=lesson.end,
        title=directory.subject_name(lesson.subject_id, "zh"),
    )


def links_of(
    settings: StreamsSettings,
    lesson: models.LessonRow,
    room_ids: Sequence[str],
    directory: Directory,
    meeting: models.PlatformMeetingRow | None = None,
) -> LessonLinks | None:
    """The lesson's links, or None when no provider is configured or it is cancelled. A
    meeting platform's lesson has links once its meeting exists: pass its `meeting`."""
    if lesson.status == "cancelled":
        return None
    teacher = directory.teachers.get(lesson.teacher_id)
    school_id = teacher.school_id if teacher else None
    links = lesson_links(settings, link_request(lesson, room_ids, directory), school_id=school_id)
    return with_meeting(links, meeting)


def with_meeting(
    links: LessonLinks | None, meeting: models.PlatformMeetingRow | None
) -> LessonLinks | None:
    """A platform lesson's links filled in from the meeting the platform made: its join URL
    for the teacher and every classroom (WeCom lives have none: they are watched in WeCom)."""
    waiting = links is not None and any(
        call.url.startswith(PLATFORM_CALL) for call in links.server_calls
    )
    if (
        links is None
        or not waiting
        or meeting is None
        or meeting.state in ("cancelled", "creating")
    ):
        return links
    if meeting.provider != links.provider or not meeting.join_url:
        return replace(links, room=meeting.code or meeting.meeting_id)
    join = (Link(LinkKind.JOIN, meeting.join_url),)
    return replace(
        links,
        room=meeting.code or meeting.meeting_id,
        teacher=join,
        classrooms=tuple(ClassroomLinks(entry.classroom_id, join) for entry in links.classrooms),
    )


def teacher_url(links: LessonLinks | None) -> str:
    return links.teacher[0].url if links and links.teacher else ""


def classroom_url(links: LessonLinks | None, classroom_id: str) -> str:
    if links is None:
        return ""
    own = [entry for entry in links.classrooms if entry.classroom_id == classroom_id]
    return own[0].links[0].url if own and own[0].links else ""


def id_request(
    *,
    lesson_key: str,
    revision: int,
    start: dt.datetime,
    end: dt.datetime,
    teacher_id: str,
    classroom_ids: Sequence[str],
) -> LinkRequest:
    """What stream names, keys and tokens derive from: ids only (display names do not matter)."""
    return LinkRequest(
        lesson_key=lesson_key,
        revision=revision,
        teacher=Participant(teacher_id, teacher_id),
        classrooms=tuple(Participant(room, room) for room in sorted(classroom_ids)),
        start=start,
        end=end,
    )


def links_by_ids(
    settings: StreamsSettings,
    *,
    lesson_key: str,
    revision: int,
    start: dt.datetime,
    end: dt.datetime,
    teacher_id: str,
    teacher_school_id: str | None,
    classroom_ids: Sequence[str],
) -> LessonLinks | None:
    """A lesson's links from its ids (the API's lessons carry no rows)."""
    request = id_request(
        lesson_key=lesson_key,
        revision=revision,
        start=start,
        end=end,
        teacher_id=teacher_id,
        classroom_ids=classroom_ids,
    )
    return lesson_links(settings, request, school_id=teacher_school_id)
