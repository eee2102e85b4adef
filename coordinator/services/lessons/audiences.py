"""Teachers and parents who joined open courses for them, as events in their own feeds.

A school's teachers in a teacher-training course see it in the school's feed (and the
region's, the alliance's); a classroom's parents in a parent class see it in the classroom's
feed (and its assistant's). The dates are the audience school's own (`calendar.audiences`).
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import domain, models
from coordinator.calendar.audiences import Joined, audience_events
from coordinator.calendar.school import SchoolCalendar
from coordinator.enums import AudienceKind

Dated = list[tuple[domain.Event, dt.datetime]]  # each event and when it last changed


async def joined_audiences(session: AsyncSession) -> list[tuple[Joined, dt.datetime]]:
    """Every audience enrolment that holds at least one date, and when it last changed."""
    table = models.AudienceEnrolmentRow
    query = (
        select(table)
        .where(or_(col(table.left_from).is_(None), col(table.left_from) > col(table.joined_from)))
        .order_by(col(table.id))
    )
    return [
        (
            Joined(
                r.pinned_id,
                AudienceKind(r.audience_kind),
                r.audience_id,
                r.joined_from,
                r.left_from,
            ),
            r.left_at or r.created_at,
        )
        for r in (await session.exec(query)).all()
    ]


def audience_school(bundle: domain.Bundle, joined: Joined) -> domain.School | None:
    """The school whose calendar the audience lives by."""
    school_id = joined.audience_id
    if joined.audience_kind == AudienceKind.CLASSROOM:
        room = next((c for c in bundle.classrooms if c.id == joined.audience_id), None)
        school_id = room.school_id if room else ""
    return next((s for s in bundle.schools if s.id == school_id), None)


async def dated_audience_events(
    session: AsyncSession,
    bundle: domain.Bundle,
    seen: tuple[set[str], set[str]] | None = None,
    *,
    language: str = "zh",
) -> Dated:
    """The events of every audience in an open course for it, to the term's end; with
    `seen` (schools, classrooms), only those of these schools' teachers and classrooms."""
    courses = {p.id: p for p in bundle.pinned_sessions}
    teachers = {t.id: t for t in bundle.network_teachers}
    subjects = {s.id: s for s in bundle.subjects}
    schools = {s.id: s for s in bundle.schools}
    last = max((t.end for t in bundle.terms), default=dt.date.min)
    found: Dated = []
    for joined, changed in await joined_audiences(session):
        if seen is not None and not _seen(joined, seen):
            continue
        course, school = courses.get(joined.pinned_id), audience_school(bundle, joined)
        if course is None or school is None or course.teacher_id not in teachers:
            continue
        teacher = teachers[course.teacher_id]
        subject = subjects.get(course.subject_id)
        title = (subject.name_en if language == "en" else subject.name_zh) if subject else ""
        calendar = SchoolCalendar.for_school(school, bundle.terms, bundle.calendar_days)
        events = audience_events(
            course,
            joined,
            calendar,
            title=f"{title} · {course.note}" if course.note else title,
            host_name=teacher.name,
            time_zone=schools[teacher.school_id].time_zone,
            last=last,
        )
        found += [(event, changed) for event in events]
    return found


def _seen(joined: Joined, seen: tuple[set[str], set[str]]) -> bool:
    schools, classrooms = seen
    kind = joined.audience_kind
    return joined.audience_id in (schools if kind == AudienceKind.SCHOOL else classrooms)
