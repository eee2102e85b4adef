"""Open courses for a school's teachers or a classroom's parents, dated as events (pure).

Such a course (a pinned session with `audience` teachers or parents) holds no classroom: each
audience that joined it gets one event per date, on the course's weekday from its first date
to the day before it left, on the dates its own school calendar has school (holidays and
closures skipped). An event's id names the course, the audience and the date, so its UID
stays the same however often the feed is built.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from coordinator.calendar.school import SchoolCalendar
from coordinator.domain import Event, PinnedSession
from coordinator.enums import AudienceKind, CourseAudience, EventKind

EVENT_KIND = {
    CourseAudience.TEACHERS: EventKind.TRAINING,
    CourseAudience.PARENTS: EventKind.PARENT_CLASS,
}
AUDIENCE_KIND = {
    CourseAudience.TEACHERS: AudienceKind.SCHOOL,
    CourseAudience.PARENTS: AudienceKind.CLASSROOM,
}


@dataclass(frozen=True, slots=True)
class Joined:
    """An audience (a school's teachers, a classroom's parents) in a course for a while."""

    pinned_id: str
    audience_kind: AudienceKind
    audience_id: str
    joined_from: dt.date
    left_from: dt.date | None = None

    def covers(self, date: dt.date) -> bool:
        return self.joined_from <= date and (self.left_from is None or date < self.left_from)


def course_dates(
    course: PinnedSession, calendar: SchoolCalendar, first: dt.date, last: dt.date
) -> tuple[dt.date, ...]:
    """The course's dates from `first` to `last` on which the audience's school has school."""
    ahead = (course.weekday - first.isoweekday()) % 7
    dates = []
    date = first + dt.timedelta(days=ahead)
    while date <= last:
        if calendar.day(date).has_school:
            dates.append(date)
        date += dt.timedelta(days=7)
    return tuple(dates)


def audience_events(
    course: PinnedSession,
    joined: Joined,
    calendar: SchoolCalendar,
    *,
    title: str,
    host_name: str,
    time_zone: str,
    last: dt.date,
) -> list[Event]:
    """One event per date the audience takes the course, in the teacher's time zone."""
    end = last if joined.left_from is None else min(last, joined.left_from - dt.timedelta(days=1))
    return [
        Event(
            id=f"{course.id}.{joined.audience_id}.{date:%Y%m%d}",
            kind=EVENT_KIND.get(course.audience, EventKind.TRAINING),
            title=title,
            audience_kind=joined.audience_kind,
            audience_id=joined.audience_id,
            date=date,
            start=course.start,
            end=course.end,
            host_name=host_name,
            time_zone=time_zone,
        )
        for date in course_dates(course, calendar, joined.joined_from, end)
    ]
