"""Clocks: server time is the truth, skew is kept, late is marked, the implausible refused."""

from __future__ import annotations

import datetime as dt

import pytest

from coordinator.attendance import (
    ImplausibleReportError,
    LessonTimes,
    Policy,
    Report,
    ReportFields,
    ReportKind,
    classify,
)
from coordinator.attendance.timing import describe

START = dt.datetime(2026, 11, 23, 1, 10, tzinfo=dt.UTC)
LESSON = LessonTimes("s@2026-11-23", START, START + dt.timedelta(minutes=40))
POLICY = Policy()


def report(device_time: dt.datetime, kind: ReportKind = ReportKind.CHECK_IN) -> Report:
    return Report(LESSON.key, "c-1", kind, device_time, ReportFields(30, True))


def at(minutes: float) -> dt.datetime:
    return START + dt.timedelta(minutes=minutes)


def test_on_time_check_in_keeps_device_clock_and_skew() -> None:
    device = at(1).astimezone(dt.timezone(dt.timedelta(hours=8)))
    timing = classify(report(device), LESSON, at(1.5), POLICY)
    assert (timing.device_time, timing.received_at, timing.skew_seconds, timing.late) == (
        at(1),
        at(1.5),
        30,
        False,
    )
    assert timing.device_time.tzinfo == dt.UTC


def test_device_clock_ahead_gives_negative_skew() -> None:
    assert classify(report(at(12)), LESSON, at(2), POLICY).skew_seconds == -600


def test_check_in_after_the_lesson_ended_is_late() -> None:
    timing = classify(report(at(2)), LESSON, at(5 * 60), POLICY)
    assert (timing.late, timing.skew_seconds) == (True, 298 * 60)


def test_end_report_has_grace_after_the_lesson() -> None:
    end = ReportKind.END_REPORT
    assert not classify(report(at(40), end), LESSON, at(40 + 59), POLICY).late
    assert classify(report(at(40), end), LESSON, at(40 + 61), POLICY).late


@pytest.mark.parametrize(
    ("device", "received", "field", "words"),
    [
        pytest.param(
            at(-3 * 365 * 24 * 60), at(1), "device_time", "3 years behind", id="clock-years-behind"
        ),
        pytest.param(at(2 * 24 * 60), at(-1), "device_time", "2 days ahead", id="clock-ahead"),
        pytest.param(
            at(-5 * 24 * 60),
            at(-5 * 24 * 60),
            "lesson_key",
            "5 days from now",
            id="lesson-days-ahead",
        ),
        pytest.param(
            at(45 * 24 * 60), at(45 * 24 * 60), "lesson_key", "ago", id="lesson-long-past"
        ),
    ],
)
def test_implausible_times_are_refused(
    device: dt.datetime, received: dt.datetime, field: str, words: str
) -> None:
    with pytest.raises(ImplausibleReportError) as caught:
        classify(report(device), LESSON, received, POLICY)
    assert (caught.value.field, words in str(caught.value)) == (field, True)


def test_lesson_starting_within_a_day_may_be_reported() -> None:
    assert not classify(report(at(-60)), LESSON, at(-60), POLICY).late


@pytest.mark.parametrize(
    ("span", "text"),
    [
        (dt.timedelta(seconds=5), "5 seconds"),
        (dt.timedelta(minutes=1), "1 minute"),
        (dt.timedelta(hours=4, minutes=5), "4 hours"),
        (dt.timedelta(days=800), "2 years"),
    ],
)
def test_describe_uses_the_largest_unit(span: dt.timedelta, text: str) -> None:
    assert describe(span) == text
