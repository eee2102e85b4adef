"""A small crafted county for the pure report tests, with every number worked out by hand.

Period 2026-11-16 (Mon) .. 2026-11-29 (Sun), as of Friday 2026-11-27 12:00 in Beijing.

    lesson  local time          teacher  subject  classrooms    what happened
    L0      Mon 11-16 07:30     t-chen   art      c-e4          check-in 20, problem 'other'
    L1      Mon 11-16 09:10     t-wang   music    c-e3, c-w3    e3: in 30, end 28 good;
                                                                w3: in 9, end 'failed'
    L2      Tue 11-17 10:10     t-chen   art      c-e4          check-in 25, late
    L7      Thu 11-19 09:10     t-wang   music    c-e3          cancelled *after* it started;
                                                                in 30, end 30 good
    L3      Mon 11-23 09:10     t-wang   music    c-e3, c-w3    e3: nothing;
                                                                w3: in 8, problem no_power late
    L4      Wed 11-25 09:10     t-wang   music    c-e3          cancelled the day before
    L5      Fri 11-27 14:00     t-chen   art      c-e4          not due yet
    L6      Mon 11-30 09:10     t-wang   music    c-e3          after the period
The teacher went live (accepted publish) for L1 and L3. c-w3 and its school's need are retired.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from coordinator.reporting.facts import (
    AllianceFact,
    AttendanceFact,
    Catalog,
    ClassroomFact,
    Facts,
    LessonFact,
    NeedFact,
    Period,
    ProblemFact,
    RegionFact,
    SchoolFact,
    SubjectFact,
    TeacherFact,
)

BEIJING = dt.timezone(dt.timedelta(hours=8))
FIRST, LAST = dt.date(2026, 11, 16), dt.date(2026, 11, 29)
AS_OF = dt.datetime(2026, 11, 27, 12, 0, tzinfo=BEIJING).astimezone(dt.UTC)


def at(day: int, clock: str, month: int = 11) -> dt.datetime:
    local = dt.datetime.combine(dt.date(2026, month, day), dt.time.fromisoformat(clock), BEIJING)
    return local.astimezone(dt.UTC)


def catalog() -> Catalog:
    schools = (
        SchoolFact("u-one", "城关一小", "xiao"),
        SchoolFact("r-east", "东村小学", "xiao"),
        SchoolFact("r-west", "西村教学点", "xiao"),
    )
    classrooms = (
        ClassroomFact("c-e3", "三年级（1）班", "r-east"),
        ClassroomFact("c-e4", "四年级（1）班", "r-east"),
        ClassroomFact("c-w3", "三年级", "r-west", retired=True),
    )
    alliances = (
        AllianceFact("pair-1", "城关一小结对", frozenset({"u-one", "r-east", "r-west"})),
        AllianceFact("grp-2", "东村教育集团", frozenset({"r-east"})),
    )
    return Catalog(
        regions={"xiao": RegionFact("xiao", "小县")},
        schools={s.id: s for s in schools},
        classrooms={c.id: c for c in classrooms},
        teachers={
            "t-wang": TeacherFact("t-wang", "王丽", "u-one"),
            "t-chen": TeacherFact("t-chen", "陈明", "u-one"),
        },
        subjects={
            "music": SubjectFact("music", "音乐", "Music"),
            "art": SubjectFact("art", "美术", "Art"),
        },
        alliances={a.id: a for a in alliances},
    )


def lesson(
    key: str,
    start: dt.datetime,
    rooms: tuple[str, ...],
    *,
    cancelled_at: dt.datetime | None = None,
) -> LessonFact:
    teacher, subject = (
        ("t-wang", "music")
        if key in {"L1", "L3", "L4", "L6", "L7"}
        else (
            "t-chen",
            "art",
        )
    )
    status = "cancelled" if cancelled_at else "scheduled"
    return LessonFact(key, teacher, subject, start, status, cancelled_at, rooms)


def lessons() -> tuple[LessonFact, ...]:
    return (
        lesson("L0", at(16, "07:30"), ("c-e4",)),
        lesson("L1", at(16, "09:10"), ("c-e3", "c-w3")),
        lesson("L2", at(17, "10:10"), ("c-e4",)),
        lesson("L7", at(19, "09:10"), ("c-e3",), cancelled_at=at(19, "10:00")),
        lesson("L3", at(23, "09:10"), ("c-e3", "c-w3")),
        lesson("L4", at(25, "09:10"), ("c-e3",), cancelled_at=at(24, "16:00")),
        lesson("L5", at(27, "14:00"), ("c-e4",)),
        lesson("L6", at(30, "09:10"), ("c-e3",)),
    )


def report(
    key: str, room: str, kind: str, students: int, quality: str | None = None, late: bool = False
) -> AttendanceFact:
    return AttendanceFact(key, room, kind, students, quality, late)


def attendance() -> tuple[AttendanceFact, ...]:
    return (
        report("L0", "c-e4", "check_in", 20),
        report("L1", "c-e3", "check_in", 30),
        report("L1", "c-e3", "end_report", 28, "good"),
        report("L1", "c-w3", "check_in", 9),
        report("L1", "c-w3", "end_report", 9, "failed"),
        report("L2", "c-e4", "check_in", 25, late=True),
        report("L7", "c-e3", "check_in", 30),
        report("L7", "c-e3", "end_report", 30, "good"),
        report("L3", "c-w3", "check_in", 8),
    )


def weekdays(*mondays: dt.date) -> frozenset[dt.date]:
    return frozenset(m + dt.timedelta(days=n) for m in mondays for n in range(5))


def facts(**changes: Any) -> Facts:
    base = Facts(
        period=Period(FIRST, LAST, AS_OF),
        catalog=catalog(),
        lessons=lessons(),
        attendance=attendance(),
        problems=(
            ProblemFact("L0", "c-e4", "other", False),
            ProblemFact("L3", "c-w3", "no_power", True),
        ),
        needs=(
            NeedFact("c-e3", "music", 2),
            NeedFact("c-e4", "art", 1),
            NeedFact("c-w3", "music", 1, retired_at=at(1, "00:00", month=12)),
            NeedFact("c-e4", "music", 1, retired_at=at(1, "00:00", month=10)),
        ),
        live_lessons=frozenset({"L1", "L3"}),
        school_days={
            "r-east": weekdays(FIRST, FIRST + dt.timedelta(days=7)),
            "r-west": weekdays(FIRST),  # closed the whole second week
        },
    )
    return dataclasses.replace(base, **changes)
