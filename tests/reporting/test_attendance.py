"""Attendance per group over the crafted county (tests/reporting/world.py has the story)."""

from __future__ import annotations

import pytest

from coordinator.reporting import Dimension, Label, ScopeFilter, attendance_report
from coordinator.reporting.attendance import AttendanceLine, failure_causes
from coordinator.reporting.facts import AttendanceFact, ReportError
from coordinator.reporting.outcomes import Cause
from tests.reporting.world import attendance, facts

Counts = tuple[int, int, int, int, int, int, int, int, float | None, int | None]


def counts(line: AttendanceLine) -> Counts:
    """lessons, planned, cancelled, due, checked in, delivered, failed, late, students, live."""
    return (
        line.lessons,
        line.planned,
        line.cancelled,
        line.due,
        line.checked_in,
        line.delivered,
        line.failed,
        line.late_reports,
        line.students_average,
        line.teacher_live,
    )


def by(dimension: Dimension, scope: ScopeFilter | None = None) -> dict[str, Counts]:
    report = attendance_report(facts(), dimension, scope)
    return {line.key: counts(line) for line in report.lines}


def test_attendance_by_classroom_counts_each_classroom_lesson() -> None:
    assert by(Dimension.CLASSROOM) == {
        "c-e3": (4, 3, 1, 3, 2, 2, 0, 0, 29.0, 2),
        "c-e4": (3, 3, 0, 2, 2, 2, 0, 1, 22.5, 0),
        "c-w3": (2, 2, 0, 2, 2, 0, 2, 1, None, 2),
    }


def test_attendance_total_is_over_all_classroom_lessons() -> None:
    report = attendance_report(facts(), Dimension.SCHOOL)
    assert counts(report.total) == (7, 8, 1, 7, 6, 4, 2, 2, 25.75, 4)
    assert report.total.delivery_rate == 4 / 7
    assert report.total.label == Label("合计", "Total")


def test_attendance_by_week_uses_the_local_date_of_each_lesson() -> None:
    assert by(Dimension.WEEK) == {
        "2026-W47": (4, 5, 0, 5, 5, 4, 1, 1, 25.75, 2),
        "2026-W48": (3, 3, 1, 2, 1, 0, 1, 1, None, 2),
    }


def test_attendance_by_teacher_and_subject() -> None:
    wang = (4, 5, 1, 5, 4, 2, 2, 1, 29.0, 4)
    chen = (3, 3, 0, 2, 2, 2, 0, 1, 22.5, 0)
    assert by(Dimension.TEACHER) == {"t-wang": wang, "t-chen": chen}
    assert by(Dimension.SUBJECT) == {"music": wang, "art": chen}


def test_attendance_by_alliance_counts_a_school_in_each_of_its_alliances() -> None:
    east = (7, 6, 1, 5, 4, 4, 0, 1, 25.75, 2)
    assert by(Dimension.ALLIANCE) == {
        "grp-2": east,
        "pair-1": (7, 8, 1, 7, 6, 4, 2, 2, 25.75, 4),
    }
    assert by(Dimension.SCHOOL) == {"r-east": east, "r-west": (2, 2, 0, 2, 2, 0, 2, 1, None, 2)}
    assert list(by(Dimension.REGION)) == ["xiao"]


def test_attendance_scope_keeps_only_its_classrooms() -> None:
    west = by(Dimension.CLASSROOM, scope=ScopeFilter.parse("school:r-west"))
    assert west == {"c-w3": (2, 2, 0, 2, 2, 0, 2, 1, None, 2)}


def test_attendance_rows_are_named_in_both_languages_and_retired_ones_marked() -> None:
    report = attendance_report(facts(), Dimension.CLASSROOM)
    labels = [line.label for line in report.lines]
    assert labels == [
        Label("东村小学 三年级（1）班", "东村小学 三年级（1）班"),
        Label("东村小学 四年级（1）班", "东村小学 四年级（1）班"),
        Label("西村教学点 三年级（已停用）", "西村教学点 三年级 (retired)"),
    ]
    weeks = attendance_report(facts(), Dimension.WEEK).lines
    assert weeks[1].label == Label("2026年第48周（11月23日起）", "2026-W48 (from 2026-11-23)")


def test_poor_stream_still_delivers_and_end_report_students_win_over_check_in() -> None:
    poor = AttendanceFact("L3", "c-e3", "end_report", 27, "poor", False)
    late_in = AttendanceFact("L3", "c-e3", "check_in", 31, None, True)
    report = attendance_report(
        facts(attendance=(*attendance(), poor, late_in)), Dimension.CLASSROOM
    )
    assert counts(report.lines[0]) == (4, 3, 1, 3, 3, 3, 0, 1, (28 + 30 + 27) / 3, 2)


def test_attendance_without_stream_callbacks_leaves_teacher_live_unknown() -> None:
    report = attendance_report(facts(live_lessons=None), Dimension.SCHOOL)
    assert {line.teacher_live for line in report.lines} == {None}
    assert report.total.teacher_live is None


def test_attendance_delivery_rate_is_none_when_nothing_was_due() -> None:
    report = attendance_report(facts(lessons=()), Dimension.SCHOOL)
    assert (report.lines, report.total.delivery_rate, report.total.planned) == ((), None, 0)


def test_failure_causes_count_each_failed_classroom_lesson_once_per_cause() -> None:
    found = {line.cause: line.count for line in failure_causes(facts())}
    assert found == {
        Cause.STREAM_FAILED: 1,
        Cause.NO_SIGNAL: 0,
        Cause.NO_TEACHER: 0,
        Cause.NO_POWER: 1,
    }


def test_unknown_scope_is_refused_with_its_name() -> None:
    with pytest.raises(ReportError, match="alliance:nope: no such alliance"):
        attendance_report(facts(), Dimension.SCHOOL, ScopeFilter.parse("alliance:nope"))
    with pytest.raises(ReportError, match="expected one of"):
        ScopeFilter.parse("county")
