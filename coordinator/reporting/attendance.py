"""Attendance: planned vs delivered lessons, grouped by classroom, teacher, school, week, ..."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from coordinator.reporting.facts import Facts, Label, Period, ScopeFilter
from coordinator.reporting.labels import CAUSE_LABELS, TOTAL, group_keys, group_label
from coordinator.reporting.outcomes import Cause, Outcome, outcomes


class Dimension(StrEnum):
    """What an attendance report groups by."""

    CLASSROOM = "classroom"
    TEACHER = "teacher"
    SUBJECT = "subject"
    SCHOOL = "school"
    ALLIANCE = "alliance"
    REGION = "region"
    WEEK = "week"
    GRADE = "grade"  # the receiving classroom's grade


@dataclass(frozen=True, slots=True)
class AttendanceLine:
    """The counts of one group; every count is of classroom lessons (lesson x classroom)."""

    key: str  # the group's id (classroom id, teacher id, ..., or 2026-W48)
    label: Label
    lessons: int  # distinct dated lessons, cancelled ones included
    planned: int  # classroom lessons not cancelled before they were due
    cancelled: int  # classroom lessons cancelled before they were due
    due: int  # planned classroom lessons that have started by `as_of`
    checked_in: int
    delivered: int  # a check-in or end report, and no failure
    failed: int  # an end report 'failed' or a no_signal / no_teacher / no_power problem
    late_reports: int  # check-ins, end reports and problems that arrived late
    students_average: float | None  # over delivered classroom lessons
    teacher_live: int | None  # planned classroom lessons whose teacher went live; None: unknown

    @property
    def delivery_rate(self) -> float | None:
        """Delivered over due; None when nothing was due."""
        return self.delivered / self.due if self.due else None


@dataclass(frozen=True, slots=True)
class AttendanceReport:
    dimension: Dimension
    period: Period
    scope: ScopeFilter | None
    lines: tuple[AttendanceLine, ...]
    total: AttendanceLine  # over all classroom lessons (alliances may overlap, so not a sum)


@dataclass(frozen=True, slots=True)
class CauseLine:
    cause: Cause
    label: Label
    count: int  # failed classroom lessons with this cause (one lesson may have several)


def attendance_report(
    facts: Facts, by: Dimension, scope: ScopeFilter | None = None
) -> AttendanceReport:
    """Planned, delivered, checked-in and failed classroom lessons per group of `by`."""
    found = outcomes(facts, scope)
    groups: defaultdict[str, list[Outcome]] = defaultdict(list)
    for outcome in found:
        for key in group_keys(outcome, by.value, facts.catalog):
            groups[key].append(outcome)
    lines = [
        summarise(key, group_label(by.value, key, facts.catalog), g) for key, g in groups.items()
    ]
    lines.sort(key=lambda line: _order(by, line))
    return AttendanceReport(by, facts.period, scope, tuple(lines), summarise("", TOTAL, found))


def _order(by: Dimension, line: AttendanceLine) -> tuple[str, ...]:
    """Weeks in time order, grades by number, everything else by its Chinese name."""
    if by is Dimension.WEEK:
        return (line.key,)
    if by is Dimension.GRADE:
        return (line.key.zfill(2),)
    return (line.label.zh, line.key)


def summarise(key: str, label: Label, group: Sequence[Outcome]) -> AttendanceLine:
    """One line of counts over a group of classroom lessons."""
    planned = [o for o in group if o.planned]
    delivered = [o for o in planned if o.delivered]
    students = [o.students for o in delivered if o.students is not None]
    known = [o.teacher_live for o in planned if o.teacher_live is not None]
    return AttendanceLine(
        key=key,
        label=label,
        lessons=len({o.lesson.key for o in group}),
        planned=len(planned),
        cancelled=len(group) - len(planned),
        due=sum(o.due for o in planned),
        checked_in=sum(o.checked_in for o in planned),
        delivered=len(delivered),
        failed=sum(o.failed for o in planned),
        late_reports=sum(o.late_reports for o in group),
        students_average=sum(students) / len(students) if students else None,
        teacher_live=sum(known) if _live_known(group) else None,
    )


def _live_known(group: Iterable[Outcome]) -> bool:
    return any(o.teacher_live is not None for o in group)


def failure_causes(facts: Facts, scope: ScopeFilter | None = None) -> tuple[CauseLine, ...]:
    """How many failed classroom lessons each cause accounts for, in a fixed order."""
    counts = dict.fromkeys(Cause, 0)
    for outcome in outcomes(facts, scope):
        if outcome.failed:
            for cause in outcome.causes:
                counts[cause] += 1
    return tuple(CauseLine(cause, CAUSE_LABELS[cause], counts[cause]) for cause in Cause)
