"""Tiny bundles for solver tests: one urban school, rural schools with their own bells."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from coordinator.domain import (
    Alliance,
    AllianceMember,
    Assistant,
    BellPeriod,
    BellSchedule,
    Bundle,
    BusyBlock,
    Classroom,
    Need,
    NetworkTeacher,
    PinnedSession,
    Region,
    School,
    Subject,
)
from coordinator.enums import AllianceKind, NetworkProfile, SchoolKind
from coordinator.timetable import Plan, Problem, SolverOptions, build_problem, solve, validate_plan

WORKDAYS = (1, 2, 3, 4, 5)
TEST_OPTIONS = SolverOptions(num_workers=1, time_limit_s=10.0, teacher_buffer_minutes=10)


def clock(text: str) -> dt.time:
    hours, minutes = text.split(":")
    return dt.time(int(hours), int(minutes))


def period(
    schedule: str, weekday: int, start: str, end: str, *, number: int = 1, live: bool = True
) -> BellPeriod:
    return BellPeriod(schedule, weekday, number, clock(start), clock(end), live)


def daily(
    schedule: str, times: Sequence[tuple[str, str]], weekdays: Sequence[int] = WORKDAYS
) -> tuple[BellPeriod, ...]:
    """The same live periods on each weekday given."""
    return tuple(
        period(schedule, day, start, end, number=i + 1)
        for day in weekdays
        for i, (start, end) in enumerate(times)
    )


URBAN = daily("urban", [("08:00", "08:40")])


def school(
    school_id: str, schedule: str, *, rural: bool = True, zone: str = "Asia/Shanghai"
) -> School:
    kind = SchoolKind.RURAL if rural else SchoolKind.URBAN
    return School(school_id, school_id, kind, "county", schedule, zone)


DEFAULT_SCHOOLS = (school("u1", "urban", rural=False), school("r1", "rural"), school("r2", "rural"))


def teacher(
    teacher_id: str,
    *,
    subjects: tuple[str, ...] = ("music",),
    grades: tuple[int, ...] = (3,),
    per_day: int = 5,
    per_week: int = 20,
    school_id: str = "u1",
) -> NetworkTeacher:
    return NetworkTeacher(teacher_id, school_id, teacher_id, subjects, grades, per_day, per_week)


def room(
    room_id: str,
    *,
    school_id: str = "r1",
    grade: int = 3,
    assistant: str | None = None,
    network: NetworkProfile = NetworkProfile.GOOD,
) -> Classroom:
    return Classroom(room_id, school_id, room_id, grade, 20, assistant or f"a-{room_id}", network)


def need(room_id: str, subject: str = "music", periods: int = 1) -> Need:
    return Need(room_id, subject, periods)


def busy(teacher_id: str, weekday: int, start: str, end: str) -> BusyBlock:
    return BusyBlock(teacher_id, weekday, clock(start), clock(end))


def pinned(
    pinned_id: str, teacher_id: str, weekday: int, start: str, end: str, **extra: Any
) -> PinnedSession:
    values: dict[str, Any] = {"subject_id": "music", "grades": (3,), "capacity": 4} | extra
    return PinnedSession(
        pinned_id, teacher_id, weekday=weekday, start=clock(start), end=clock(end), **values
    )


def pairing(
    alliance_id: str, lead: str, member: str, weight: int = 1
) -> tuple[Alliance, AllianceMember]:
    return (
        Alliance(alliance_id, alliance_id, AllianceKind.PAIRING, lead),
        AllianceMember(alliance_id, member, weight),
    )


def make_bundle(
    *,
    teachers: Sequence[NetworkTeacher],
    classrooms: Sequence[Classroom],
    needs: Sequence[Need],
    periods: Sequence[BellPeriod],
    schools: Sequence[School] = DEFAULT_SCHOOLS,
    **extra: Any,
) -> Bundle:
    """A bundle with subjects, schedules and assistants filled in from the parts given."""
    schedules = sorted(
        {p.bell_schedule_id for p in periods} | {s.bell_schedule_id for s in schools}
    )
    assistants = {
        c.assistant_id: Assistant(c.assistant_id, c.school_id, c.assistant_id) for c in classrooms
    }
    bundle = Bundle(
        name="test",
        regions=(Region("county", "county"),),
        schools=tuple(schools),
        bell_schedules=tuple(BellSchedule(s, s) for s in schedules),
        bell_periods=tuple(URBAN) + tuple(periods),
        subjects=(Subject("music", "音乐", "Music"), Subject("art", "美术", "Art")),
        assistants=tuple(assistants.values()),
        classrooms=tuple(classrooms),
        network_teachers=tuple(teachers),
        needs=tuple(needs),
    )
    return dataclasses.replace(bundle, **extra)


def solved(bundle: Bundle, options: SolverOptions = TEST_OPTIONS) -> tuple[Problem, Plan]:
    """Build and solve; every plan a test sees has passed the validator."""
    problem = build_problem(bundle, options)
    plan = solve(problem)
    assert validate_plan(problem, plan) == []
    return problem, plan


def with_options(**changes: Any) -> SolverOptions:
    return dataclasses.replace(TEST_OPTIONS, **changes)
