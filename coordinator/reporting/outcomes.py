"""What became of each lesson in each receiving classroom: the unit every report counts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import TypeVar
from zoneinfo import ZoneInfo

from coordinator.reporting.facts import (
    AttendanceFact,
    Facts,
    LessonFact,
    ProblemFact,
    ScopeFilter,
)

T = TypeVar("T", AttendanceFact, ProblemFact)
CHECK_IN = "check_in"
END_REPORT = "end_report"


class Cause(StrEnum):
    """Why a lesson failed in a classroom."""

    STREAM_FAILED = "stream_failed"  # the end report said the stream failed
    NO_SIGNAL = "no_signal"
    NO_TEACHER = "no_teacher"
    NO_POWER = "no_power"


FAILING_PROBLEMS = frozenset({Cause.NO_SIGNAL, Cause.NO_TEACHER, Cause.NO_POWER})
NO_CAUSE: frozenset[Cause] = frozenset()


@dataclass(slots=True)  # read-only by convention; frozen dataclasses build slower
class Outcome:
    """One lesson in one receiving classroom (a 'classroom lesson')."""

    lesson: LessonFact
    classroom_id: str
    date: dt.date  # in the classroom's school's time zone
    cancelled: bool  # cancelled before it was due to start
    due: bool  # not cancelled and started by the period's as_of
    checked_in: bool
    reported: bool  # a check-in or an end report came from the classroom
    causes: frozenset[Cause]
    late_reports: int
    students: int | None  # from the end report, else the check-in
    teacher_live: bool | None  # None: no streaming callbacks to tell

    @property
    def planned(self) -> bool:
        return not self.cancelled

    @property
    def failed(self) -> bool:
        return self.planned and bool(self.causes)

    @property
    def delivered(self) -> bool:
        return self.planned and self.reported and not self.causes

    @property
    def week(self) -> str:
        """The ISO week of the local date, e.g. 2026-W48."""
        year, week, _ = self.date.isocalendar()
        return f"{year}-W{week:02d}"


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def cancelled_before_start(lesson: LessonFact) -> bool:
    """A lesson cancelled after it started still counts as planned (and maybe delivered)."""
    if lesson.status != "cancelled":
        return False
    return lesson.cancelled_at is None or lesson.cancelled_at < lesson.start


def outcomes(facts: Facts, scope: ScopeFilter | None = None) -> list[Outcome]:
    """Every classroom lesson whose local date falls in the period (and in the scope)."""
    allowed = scope.classrooms(facts.catalog) if scope else None
    reports = _by_slot(facts.attendance)
    problems = _by_slot(facts.problems)
    result = []
    for lesson, classroom_id, local in _slots(facts, allowed):
        if local in facts.period:
            slot = (lesson.key, classroom_id)
            found, reported = reports.get(slot, []), problems.get(slot, [])
            result.append(_outcome(facts, lesson, classroom_id, local, found, reported))
    return result


def _slots(
    facts: Facts, allowed: frozenset[str] | None
) -> Iterator[tuple[LessonFact, str, dt.date]]:
    """Each lesson with each receiving classroom and its local date there."""
    zones: dict[str, ZoneInfo] = {}
    for lesson in facts.lessons:
        dates: dict[ZoneInfo, dt.date] = {}
        for classroom_id in lesson.classroom_ids:
            if allowed is not None and classroom_id not in allowed:
                continue
            if classroom_id not in zones:
                zones[classroom_id] = zone(facts.catalog.time_zone_of(classroom_id))
            where = zones[classroom_id]
            if where not in dates:
                dates[where] = lesson.start.astimezone(where).date()
            yield lesson, classroom_id, dates[where]


def _by_slot(rows: tuple[T, ...]) -> defaultdict[tuple[str, str], list[T]]:
    grouped: defaultdict[tuple[str, str], list[T]] = defaultdict(list)
    for row in rows:
        grouped[(row.lesson_key, row.classroom_id)].append(row)
    return grouped


def _outcome(
    facts: Facts,
    lesson: LessonFact,
    classroom_id: str,
    date: dt.date,
    reports: list[AttendanceFact],
    problems: list[ProblemFact],
) -> Outcome:
    kinds = {r.kind: r for r in reports}
    cancelled = cancelled_before_start(lesson)
    live = facts.live_lessons
    return Outcome(
        lesson=lesson,
        classroom_id=classroom_id,
        date=date,
        cancelled=cancelled,
        due=not cancelled and lesson.start <= facts.period.as_of,
        checked_in=CHECK_IN in kinds,
        reported=bool(kinds),
        causes=_causes(kinds.get(END_REPORT), problems),
        late_reports=sum(r.late for r in reports) + sum(p.late for p in problems),
        students=_students(kinds),
        teacher_live=None if live is None else lesson.key in live,
    )


def _causes(end_report: AttendanceFact | None, problems: list[ProblemFact]) -> frozenset[Cause]:
    if not problems and (end_report is None or end_report.stream_quality != "failed"):
        return NO_CAUSE
    causes = {Cause(p.problem) for p in problems if p.problem in FAILING_PROBLEMS}
    if end_report is not None and end_report.stream_quality == "failed":
        causes.add(Cause.STREAM_FAILED)
    return frozenset(causes)


def _students(kinds: dict[str, AttendanceFact]) -> int | None:
    report = kinds.get(END_REPORT) or kinds.get(CHECK_IN)
    return report.students_present if report else None
