"""开齐开足 over the crafted county: required = per week x school weeks, vs delivered."""

from __future__ import annotations

import datetime as dt

from coordinator.reporting import ScopeFilter, kaiqi_report
from coordinator.reporting.facts import Period
from coordinator.reporting.kaiqi import KaiqiLine, school_weeks, weekdays
from tests.reporting.world import AS_OF, FIRST, LAST, facts

Row = tuple[str, str, int, int, int, int, int, float | None, bool]


def row(line: KaiqiLine) -> Row:
    return (
        line.classroom_id,
        line.subject_id,
        line.per_week,
        line.school_weeks,
        line.required,
        line.planned,
        line.delivered,
        line.rate,
        line.below,
    )


def test_kaiqi_compares_required_periods_with_delivered_ones() -> None:
    report = kaiqi_report(facts())
    assert [row(line) for line in report.lines] == [
        ("c-e3", "music", 2, 2, 4, 3, 2, 0.5, True),
        ("c-e4", "art", 1, 2, 2, 3, 2, 1.0, False),
        ("c-w3", "music", 1, 1, 1, 2, 0, 0.0, True),
    ]
    assert (report.required, report.delivered, report.rate, report.below) == (7, 4, 4 / 7, 2)


def test_kaiqi_threshold_decides_the_flag() -> None:
    report = kaiqi_report(facts(), threshold=0.5)
    assert [line.below for line in report.lines] == [False, False, True]


def test_kaiqi_shows_a_need_the_timetable_never_planned() -> None:
    report = kaiqi_report(facts(lessons=()))
    assert [row(line)[4:] for line in report.lines] == [
        (4, 0, 0, 0.0, True),
        (2, 0, 0, 0.0, True),
        (1, 0, 0, 0.0, True),
    ]


def test_kaiqi_without_a_school_calendar_counts_weeks_with_a_weekday() -> None:
    report = kaiqi_report(facts(school_days={}), ScopeFilter.parse("classroom:c-w3"))
    assert [row(line) for line in report.lines] == [("c-w3", "music", 1, 2, 2, 2, 0, 0.0, True)]


def test_kaiqi_school_closed_all_period_requires_nothing_and_flags_nothing() -> None:
    closed = {"r-east": frozenset[dt.date](), "r-west": frozenset[dt.date]()}
    report = kaiqi_report(facts(school_days=closed))
    assert {(line.required, line.rate, line.below) for line in report.lines} == {(0, None, False)}
    assert report.rate is None


def test_school_weeks_counts_iso_weeks_overlapping_the_period() -> None:
    period = Period(dt.date(2026, 11, 19), dt.date(2026, 12, 1), AS_OF)  # Thu .. next-next Tue
    assert school_weeks(weekdays(period), period) == 3
    assert len(weekdays(Period(FIRST, LAST, AS_OF))) == 10
