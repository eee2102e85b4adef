"""Ids as the admin knows them: teachers with their school, classrooms, subjects, weekdays
in the classroom's school's clock, and the event a rebalance answers, in the page's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from babel.dates import get_day_names

from coordinator.services.accounts.policy import shows_person
from coordinator.services.data.directory import Directory
from coordinator.timetable.changes import (
    Change,
    ClassroomAdded,
    ClassroomRemoved,
    NeedAdded,
    NeedRemoved,
    TeacherUnavailable,
)
from coordinator.timetable.diff import Slot
from coordinator.web.i18n import BABEL_LOCALES
from coordinator.web.pages.access import Viewer

Gettext = Callable[[str], str]
DEFAULT_ZONE = "Asia/Shanghai"


def weekday_names(lang: str) -> dict[int, str]:
    """ISO weekday (1 = Monday) -> its short name in `lang`."""
    names = get_day_names("abbreviated", locale=BABEL_LOCALES[lang])
    return {day + 1: str(names[day]) for day in range(7)}


@dataclass(frozen=True, slots=True)
class SlotView:
    teacher: str
    when: str  # weekday and start, in the classroom's school's clock


@dataclass
class Namer:
    directory: Directory
    viewer: Viewer
    lang: str
    gettext: Gettext
    week: dt.date  # the Monday used to place weekly slots on real dates

    def teacher(self, teacher_id: str) -> str:
        if not shows_person(self.viewer.scope, "teacher", teacher_id):
            return self.gettext("outside your scope")  # issue 18: never named outside the scope
        teacher = self.directory.teachers.get(teacher_id)
        if teacher is None:
            return teacher_id
        school = self.directory.schools.get(teacher.school_id)
        return f"{teacher.name}（{school.name}）" if school else teacher.name

    def classroom(self, classroom_id: str) -> str:
        if not shows_person(self.viewer.scope, "classroom", classroom_id):
            return self.gettext("a classroom outside your scope")
        return self.directory.owner_name_of_classroom(classroom_id)

    def subject(self, subject_id: str) -> str:
        return self.directory.subject_name(subject_id, self.lang)

    def zone_of_teacher(self, teacher_id: str) -> str:
        teacher = self.directory.teachers.get(teacher_id)
        school = self.directory.schools.get(teacher.school_id) if teacher else None
        return school.time_zone if school else DEFAULT_ZONE

    def zone_of_classroom(self, classroom_id: str) -> str:
        room = self.directory.classrooms.get(classroom_id)
        school = self.directory.schools.get(room.school_id) if room else None
        return school.time_zone if school else DEFAULT_ZONE

    def slot(self, slot: Slot | None, classroom_id: str) -> SlotView | None:
        """The teacher's weekday and start, seen on the classroom's school's clock."""
        if slot is None:
            return None
        day = self.week + dt.timedelta(days=slot.weekday - 1)
        start = dt.datetime.combine(
            day, slot.start, ZoneInfo(self.zone_of_teacher(slot.teacher_id))
        )
        local = start.astimezone(ZoneInfo(self.zone_of_classroom(classroom_id)))
        when = f"{weekday_names(self.lang)[local.isoweekday()]} {local:%H:%M}"
        return SlotView(self.teacher(slot.teacher_id), when)

    def sees(self, teachers: set[str], classrooms: set[str]) -> bool:
        scope = self.viewer.scope
        return teachers <= scope.teachers and classrooms <= scope.classrooms


def describe_change(change: Change, namer: Namer) -> str:
    _ = namer.gettext
    match change:
        case TeacherUnavailable(teacher_id, weekdays):
            names = weekday_names(namer.lang)
            days = "、".join(names[d] for d in weekdays) if weekdays else _("every day")
            text = _("%(teacher)s cannot teach (%(days)s)")
            return text % {"teacher": namer.teacher(teacher_id), "days": days}
        case NeedAdded(need):
            text = _("%(classroom)s needs %(subject)s, %(n)d period(s) a week")
            return text % {
                "classroom": namer.classroom(need.classroom_id),
                "subject": namer.subject(need.subject_id),
                "n": need.periods_per_week,
            }
        case NeedRemoved(classroom_id, subject_id):
            text = _("%(classroom)s no longer needs %(subject)s")
            return text % {
                "classroom": namer.classroom(classroom_id),
                "subject": namer.subject(subject_id),
            }
        case ClassroomRemoved(classroom_id):
            return _("%(classroom)s leaves the timetable") % {
                "classroom": namer.classroom(classroom_id)
            }
        case ClassroomAdded(classroom):
            return _("%(classroom)s joins the timetable") % {
                "classroom": namer.classroom(classroom.id)
            }
    return str(change)


def describe_span(dates: tuple[dt.date, dt.date] | None, gettext: Gettext) -> str:
    if dates is None:
        return gettext("from now on")
    return gettext("only from %(first)s to %(last)s") % {
        "first": dates[0].isoformat(),
        "last": dates[1].isoformat(),
    }
