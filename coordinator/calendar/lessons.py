"""Dated lessons: a weekly plan expanded over dates, following every school's own calendar."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from coordinator.calendar.school import DayType, SchoolCalendar, SchoolDay

UID_DOMAIN = "coordinator"


class ConflictReason(StrEnum):
    """Why the calendars of a lesson's parties disagree on one date."""

    TEACHER_NO_SCHOOL = "teacher_no_school"  # teacher's school closed or out of term
    TEACHER_EXAM = "teacher_exam"  # teacher's school has an exam day
    TEACHER_OTHER_WEEKDAY = "teacher_other_weekday"  # teacher's school runs another weekday
    CLASSROOM_NO_SCHOOL = "classroom_no_school"
    CLASSROOM_EXAM = "classroom_exam"
    CLASSROOM_OTHER_WEEKDAY = "classroom_other_weekday"
    # a lesson moved or re-assigned by hand overlaps another lesson of the same teacher or
    # classroom: the timetable changed after the edit was checked
    TEACHER_DOUBLE_BOOKED = "teacher_double_booked"
    CLASSROOM_DOUBLE_BOOKED = "classroom_double_booked"


@dataclass(frozen=True, slots=True)
class Receiver:
    """A classroom that takes a weekly session, with its school's calendar."""

    classroom_id: str
    calendar: SchoolCalendar


@dataclass(frozen=True, slots=True)
class WeeklySession:
    """One live session of the weekly plan; clock times are in `time_zone`."""

    key: str
    teacher_id: str
    teacher_calendar: SchoolCalendar
    weekday: int  # ISO weekday
    start: dt.time
    end: dt.time
    time_zone: str
    receivers: tuple[Receiver, ...]


@dataclass(frozen=True, slots=True)
class Conflict:
    """One party whose calendar disagrees with the lesson's date."""

    reason: ConflictReason
    party_id: str  # the teacher id or the classroom id
    day_type: DayType | None = None  # None for a double booking
    day_name: str = ""
    follows_weekday: int | None = None
    other_lesson: str = ""  # the lesson a double booking overlaps


@dataclass(frozen=True, slots=True)
class DatedLesson:
    """One date of a weekly session; `conflicts` empty means every calendar agrees."""

    key: str
    uid: str
    session_key: str
    date: dt.date
    teacher_id: str
    start: dt.datetime  # UTC
    end: dt.datetime  # UTC
    time_zone: str
    classroom_ids: tuple[str, ...]  # the classrooms whose calendar runs it this date
    conflicts: tuple[Conflict, ...] = ()

    @property
    def conflicted(self) -> bool:
        return bool(self.conflicts)

    def fingerprint(self, *, link: str = "", status: str = "") -> str:
        """A digest of what the revision counts: time, teacher, classroom set, link, status."""
        parts = [self.start.isoformat(), self.end.isoformat(), self.teacher_id, link, status]
        parts.extend(sorted(self.classroom_ids))
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def lesson_key(session_key: str, date: dt.date) -> str:
    """The stable identity of one date of a weekly session, e.g. ``S123@2026-10-10``.

    The date is the one the lesson was planned on (a 调休 Saturday keeps its own date). The key
    depends on nothing else, so it holds as long as the session keeps its key: keep session keys
    across re-solves (match each re-solved session to the published one it replaces) and keep a
    lesson's key when it is moved or cancelled, bumping its revision instead. What may change
    (time, teacher, classroom set, link, status) stays out of the key; see `fingerprint`.
    """
    return f"{session_key}@{date.isoformat()}"


def lesson_uid(key: str, domain: str = UID_DOMAIN) -> str:
    """The iCalendar UID of a lesson (or event) key: the same in every feed that shows it."""
    return f"{key}@{domain}"


def to_utc(date: dt.date, clock: dt.time, time_zone: str) -> dt.datetime:
    """A local date and clock time in `time_zone` as a UTC-aware datetime."""
    local = dt.datetime.combine(date, clock, tzinfo=ZoneInfo(time_zone))
    return local.astimezone(dt.UTC)


def dates(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    """Every date from `first` to `last`, both included."""
    for offset in range((last - first).days + 1):
        yield first + dt.timedelta(days=offset)


def expand_sessions(
    sessions: Iterable[WeeklySession], first: dt.date, last: dt.date
) -> list[DatedLesson]:
    """Every dated lesson of `sessions` from `first` to `last`, sorted by start and key.

    A date yields a lesson when any party's calendar runs the session's weekday there with
    live lessons allowed. Holidays, closures, exam days and dates outside every term of all
    parties yield nothing; a 调休 day runs the sessions of the weekday it follows. When the
    parties disagree the lesson is still returned, with a `Conflict` per dissenting party.
    """
    sessions = list(sessions)
    days = list(dates(first, last))
    shifted = _shifted_dates(sessions, days)
    on_weekday: dict[int, list[dt.date]] = defaultdict(list)
    for date in days:
        on_weekday[date.isoweekday()].append(date)
    lessons = [
        lesson
        for session in sessions
        for date in on_weekday[session.weekday]
        + [d for d in shifted if d.isoweekday() != session.weekday]
        if (lesson := date_session(session, date)) is not None
    ]
    return sorted(lessons, key=lambda lesson: (lesson.start, lesson.key))


def _shifted_dates(sessions: list[WeeklySession], days: list[dt.date]) -> list[dt.date]:
    """Dates on which some party runs another weekday's timetable (a 调休 make-up day).

    Only on its own weekday and on these dates can a session give a lesson, so a province's
    term is dated without asking every calendar about every date for every session.
    """
    calendars = {
        id(calendar): calendar
        for session in sessions
        for calendar in (session.teacher_calendar, *(r.calendar for r in session.receivers))
    }
    return [
        date
        for date in days
        if any(
            (day := calendar.day(date)).live and day.timetable_weekday != date.isoweekday()
            for calendar in calendars.values()
        )
    ]


def date_session(session: WeeklySession, date: dt.date) -> DatedLesson | None:
    """The lesson `session` gives on `date`, or None if no party runs it then.

    Every party's calendar is read on the same date, the teacher's local one: a lesson whose
    parties sit in zones where it falls on different dates is not told apart.
    """
    teacher_day = session.teacher_calendar.day(date)
    receiver_days = [(r.classroom_id, r.calendar.day(date)) for r in session.receivers]
    teacher_runs = _runs(teacher_day, session.weekday)
    taking = tuple(cid for cid, day in receiver_days if _runs(day, session.weekday))
    if not teacher_runs and not taking:
        return None
    conflicts: list[Conflict] = []
    if not teacher_runs:
        conflicts.append(_conflict(session.teacher_id, teacher_day, teacher=True))
    else:
        conflicts.extend(
            _conflict(cid, day, teacher=False) for cid, day in receiver_days if cid not in taking
        )
    key = lesson_key(session.key, date)
    return DatedLesson(
        key=key,
        uid=lesson_uid(key),
        session_key=session.key,
        date=date,
        teacher_id=session.teacher_id,
        start=to_utc(date, session.start, session.time_zone),
        end=to_utc(date, session.end, session.time_zone),
        time_zone=session.time_zone,
        classroom_ids=taking,
        conflicts=tuple(conflicts),
    )


def _runs(day: SchoolDay, weekday: int) -> bool:
    return day.live and day.timetable_weekday == weekday


def _conflict(party_id: str, day: SchoolDay, *, teacher: bool) -> Conflict:
    if not day.has_school:
        reason = ConflictReason.TEACHER_NO_SCHOOL if teacher else ConflictReason.CLASSROOM_NO_SCHOOL
    elif day.type is DayType.EXAM:
        reason = ConflictReason.TEACHER_EXAM if teacher else ConflictReason.CLASSROOM_EXAM
    else:
        reason = (
            ConflictReason.TEACHER_OTHER_WEEKDAY
            if teacher
            else ConflictReason.CLASSROOM_OTHER_WEEKDAY
        )
    return Conflict(reason, party_id, day.type, day.name, day.timetable_weekday)
