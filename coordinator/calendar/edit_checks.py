"""Conflict checks of a hand edit, before it is stored: errors refuse it, warnings ask first.

Errors: the lesson has begun; the new time is past; the teacher or a classroom has another
lesson then (a teacher teaches several classrooms at once only within one session, which is
one lesson); a receiving school is closed, on holiday, sitting exams or out of its school day;
the network teacher is busy at their own school, does not teach the subject or a grade.
Warnings: the teacher's own school has no school that day; the time misses a live period of
a receiving school's bell times; the teacher's daily or weekly maximum would be passed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from coordinator import domain
from coordinator.calendar.edit_problems import (
    Both,
    EditCheck,
    EditProblem,
    Param,
    Severity,
    date_text,
    day_text,
    error,
    hhmm,
    warning,
)
from coordinator.calendar.edit_problems import when_text as when
from coordinator.calendar.school import DayType, SchoolCalendar, SchoolDay


@dataclass(frozen=True, slots=True)
class BookedLesson:
    """A stored lesson as the checks see it: who, which classrooms, when (UTC)."""

    key: str
    subject_id: str
    teacher_id: str
    classroom_ids: tuple[str, ...]
    start: dt.datetime
    end: dt.datetime
    time_zone: str

    def overlaps(self, other: BookedLesson) -> bool:
        return self.start < other.end and other.start < self.end


class World:
    """Lookups over the current data for the checks, with names for the messages."""

    def __init__(self, bundle: domain.Bundle) -> None:
        self.bundle = bundle
        self.schools = {s.id: s for s in bundle.schools}
        self.classrooms = {c.id: c for c in bundle.classrooms}
        self.teachers = {t.id: t for t in bundle.network_teachers}
        self.subjects = {s.id: s for s in bundle.subjects}

    def calendar(self, school_id: str) -> SchoolCalendar:
        school = self.schools[school_id]
        return SchoolCalendar.for_school(school, self.bundle.terms, self.bundle.calendar_days)

    def room(self, classroom_id: str) -> str:
        room = self.classrooms.get(classroom_id)
        return f"{self.schools[room.school_id].name} {room.name}" if room else classroom_id

    def teacher(self, teacher_id: str) -> str:
        teacher = self.teachers.get(teacher_id)
        return teacher.name if teacher else teacher_id

    def subject(self, subject_id: str) -> Both:
        subject = self.subjects.get(subject_id)
        return Both(subject.name_en, subject.name_zh) if subject else Both(subject_id, subject_id)

    def periods(self, school_id: str, weekday: int) -> list[domain.BellPeriod]:
        schedule = self.schools[school_id].bell_schedule_id
        found = [
            p
            for p in self.bundle.bell_periods
            if p.bell_schedule_id == schedule and p.weekday == weekday
        ]
        return sorted(found, key=lambda p: p.start)


def check_change(
    bundle: domain.Bundle,
    before: BookedLesson,
    after: BookedLesson,
    others: Iterable[BookedLesson],
    *,
    now: dt.datetime,
    revived: bool = False,
) -> EditCheck:
    """Whether `before` may become `after` (another time, teacher, or both).

    `revived`: the lesson was cancelled and comes back, so its time is checked as if new.
    """
    world = World(bundle)
    if before.start <= now:
        return EditCheck((_started(before),))
    moved = revived or (after.start, after.end) != (before.start, before.end)
    reassigned = after.teacher_id != before.teacher_id
    if not moved and not reassigned:
        teacher = world.teacher(after.teacher_id)
        return EditCheck((error("unchanged", "", when=_when(after), teacher=teacher),))
    if after.start <= now:
        return EditCheck((error("in_past", "start", when=_when(after)),))
    if after.teacher_id not in world.teachers:
        return EditCheck((error("unknown_teacher", "teacher", teacher=after.teacher_id),))
    booked = [o for o in others if o.key != after.key and o.overlaps(after)]
    found: list[EditProblem] = []
    if reassigned:
        found += _qualification(world, after)
    if moved:
        found += _receiving_schools(world, after)
        found += _classroom_lessons(world, after, booked)
    field = "start" if moved else "teacher"
    found += _teacher_school(world, after, field)
    found += _teacher_lessons(world, after, booked, field)
    found += _teacher_load(world, after, others)
    return EditCheck(tuple(sorted(found, key=lambda p: p.severity is Severity.WARNING)))


def check_cancel(before: BookedLesson, *, now: dt.datetime) -> EditCheck:
    """A lesson may be cancelled until it starts."""
    return EditCheck((_started(before),) if before.start <= now else ())


def _started(lesson: BookedLesson) -> EditProblem:
    return error("started", "", when=_when(lesson))


def _when(lesson: BookedLesson, time_zone: str | None = None) -> Both:
    return when(lesson.start, lesson.end, time_zone or lesson.time_zone)


def _local(lesson: BookedLesson, time_zone: str) -> tuple[dt.datetime, dt.datetime]:
    zone = ZoneInfo(time_zone)
    return lesson.start.astimezone(zone), lesson.end.astimezone(zone)


def _qualification(world: World, after: BookedLesson) -> Iterator[EditProblem]:
    teacher = world.teachers[after.teacher_id]
    if after.subject_id not in teacher.subjects:
        subject = world.subject(after.subject_id)
        yield error("not_subject", "teacher", teacher=teacher.name, subject=subject)
    for room_id in after.classroom_ids:
        room = world.classrooms.get(room_id)
        if room is not None and room.grade not in teacher.grades:
            name = world.room(room_id)
            yield error("not_grade", "teacher", teacher=teacher.name, grade=room.grade, room=name)


def _receiving_schools(world: World, after: BookedLesson) -> Iterator[EditProblem]:
    """Each receiving classroom's school must run live lessons then, within its school day."""
    for room_id in after.classroom_ids:
        room = world.classrooms.get(room_id)
        if room is None:
            continue
        school = world.schools[room.school_id]
        start, end = _local(after, school.time_zone)
        day = world.calendar(school.id).day(start.date())
        yield from _school_day(world, day, school.id, world.room(room_id), start, end)


def _school_day(
    world: World, day: SchoolDay, school_id: str, room: str, start: dt.datetime, end: dt.datetime
) -> Iterator[EditProblem]:
    date = date_text(day.date)
    if day.timetable_weekday is None:
        yield error("classroom_no_school", "date", room=room, date=date, day=day_text(day))
        return
    if day.type is DayType.EXAM:
        yield error("classroom_exam", "date", room=room, date=date, day=day_text(day))
        return
    periods = world.periods(school_id, day.timetable_weekday)
    if not periods:
        yield error("no_periods", "date", room=room, date=date)
        return
    time = f"{hhmm(start)}–{hhmm(end)}"
    first, last = periods[0].start, max(p.end for p in periods)
    if start.date() != end.date() or start.time() < first or end.time() > last:
        yield error(
            "outside_school_day",
            "start",
            time=time,
            room=room,
            date=date,
            first=hhmm(first),
            last=hhmm(last),
        )
        return
    live = [p for p in periods if p.live]
    if not any(p.start <= start.time() and end.time() <= p.end for p in live):
        spans = ", ".join(f"{hhmm(p.start)}–{hhmm(p.end)}" for p in live) or "–"
        yield warning("not_in_period", "start", time=time, room=room, date=date, periods=spans)


def _teacher_school(world: World, after: BookedLesson, field: str) -> Iterator[EditProblem]:
    """The teacher's own school: no school that day (a warning), or busy there (an error)."""
    teacher = world.teachers[after.teacher_id]
    school = world.schools[teacher.school_id]
    start, end = _local(after, school.time_zone)
    day = world.calendar(school.id).day(start.date())
    names: dict[str, Param] = {
        "teacher": teacher.name,
        "school": school.name,
        "date": date_text(day.date),
    }
    if day.timetable_weekday is None:
        yield warning("teacher_no_school", field, day=day_text(day), **names)
        return
    if day.type is DayType.EXAM:
        yield warning("teacher_exam", field, day=day_text(day), **names)
    for block in world.bundle.busy_blocks:
        if block.teacher_id != teacher.id or block.weekday != day.timetable_weekday:
            continue
        if block.start < end.time() and start.time() < block.end:
            note = Both(f" ({block.note})", f"（{block.note}）") if block.note else ""
            yield error(
                "teacher_busy",
                field,
                teacher=teacher.name,
                date=date_text(day.date),
                first=hhmm(block.start),
                last=hhmm(block.end),
                note=note,
            )


def _teacher_lessons(
    world: World, after: BookedLesson, booked: list[BookedLesson], field: str
) -> Iterator[EditProblem]:
    for other in booked:
        if other.teacher_id == after.teacher_id:
            yield error(
                "teacher_lesson",
                field,
                teacher=world.teacher(other.teacher_id),
                subject=world.subject(other.subject_id),
                rooms="、".join(world.room(r) for r in other.classroom_ids) or "–",
                when=_when(other, after.time_zone),
            )


def _classroom_lessons(
    world: World, after: BookedLesson, booked: list[BookedLesson]
) -> Iterator[EditProblem]:
    for other in booked:
        for room_id in sorted(set(other.classroom_ids) & set(after.classroom_ids)):
            room = world.classrooms.get(room_id)
            zone = world.schools[room.school_id].time_zone if room else after.time_zone
            yield error(
                "classroom_lesson",
                "start",
                room=world.room(room_id),
                subject=world.subject(other.subject_id),
                teacher=world.teacher(other.teacher_id),
                when=_when(other, zone),
            )


def _teacher_load(
    world: World, after: BookedLesson, others: Iterable[BookedLesson]
) -> Iterator[EditProblem]:
    """The teacher's maximum lessons a day and a week, counted in their school's zone."""
    teacher = world.teachers[after.teacher_id]
    zone = ZoneInfo(world.schools[teacher.school_id].time_zone)
    day = after.start.astimezone(zone).date()
    monday = day - dt.timedelta(days=day.weekday())
    dates = [
        o.start.astimezone(zone).date()
        for o in others
        if o.teacher_id == teacher.id and o.key != after.key
    ]
    on_day = 1 + sum(d == day for d in dates)
    in_week = 1 + sum(monday <= d < monday + dt.timedelta(days=7) for d in dates)
    names: dict[str, Param] = {"teacher": teacher.name, "date": date_text(day)}
    if on_day > teacher.max_per_day:
        yield warning("day_max", "date", count=on_day, limit=teacher.max_per_day, **names)
    if in_week > teacher.max_per_week:
        yield warning("week_max", "date", count=in_week, limit=teacher.max_per_week, **names)
