"""The course's teacher told at once when a classroom, a school or parents join or leave.

The notice is written to the durable outbox in the join's own transaction (so it exists
exactly when the join does) and leaves with the worker's next delivery round, through the
teacher's own channel as any change notice (WeCom, DingTalk, SMS; quiet hours respected).
"""

from __future__ import annotations

import datetime as dt

from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import domain
from coordinator.notify.enrolment import Joiner, enrolment_notice
from coordinator.notify.messages import Language
from coordinator.services.data.directory import Directory
from coordinator.services.notifications.outbox import outgoing, person_routes
from coordinator.services.notifications.reminders import teacher_person
from coordinator.settings.notifications import NotificationSettings


def joiner_of(directory: Directory, kind: str, audience_id: str) -> Joiner | None:
    """A classroom (`classroom`), a school's teachers (`school`), a classroom's parents."""
    if kind == "school":
        home = directory.schools.get(audience_id)
        return Joiner("teachers", home.name) if home else None
    room = directory.classrooms.get(audience_id)
    if room is None:
        return None
    school = directory.schools[room.school_id].name
    return Joiner("parents" if kind == "parents" else "classroom", school, room.name)


def tell_teacher(
    session: AsyncSession,
    settings: NotificationSettings | None,
    bundle: domain.Bundle,
    course: domain.PinnedSession,
    *,
    who: tuple[str, str],
    joined: bool,
    first: dt.date,
    purpose: str,
    now: dt.datetime,
) -> int:
    """Add the notice to the session (nothing without settings); the number of rows added.

    `who`: (classroom | school | parents, id); `purpose` makes the outbox ids stable."""
    directory = Directory.of(bundle)
    person = teacher_person(directory, course.teacher_id)
    joiner = joiner_of(directory, *who)
    if settings is None or person is None or joiner is None:
        return 0
    language: Language = "en" if (person.language or settings.language) == "en" else "zh"
    subject = directory.subjects.get(course.subject_id)
    name = (subject.name_en if language == "en" else subject.name_zh) if subject else ""
    message = enrolment_notice(
        joiner,
        joined=joined,
        subject=name,
        weekday=course.weekday,
        start=course.start,
        end=course.end,
        first=first,
        language=language,
    )
    routes = person_routes(settings, person, "change", now)
    rows = outgoing(purpose, message, routes, recipient=person.recipient, lesson_key=None, now=now)
    session.add_all(rows)
    return len(rows)
