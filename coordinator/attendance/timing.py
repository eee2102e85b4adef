"""Server time is the truth: the device's clock is kept with its skew; late is kept, not dropped."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from coordinator.attendance.errors import ImplausibleReportError
from coordinator.attendance.reports import Report, ReportKind

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Policy:
    """The rules' limits; defaults suit weak networks and offline outboxes."""

    correction_window: dt.timedelta = DAY  # after the lesson ends (or the first report)
    max_clock_ahead: dt.timedelta = DAY  # a device clock further ahead is wrong, not early
    max_report_age: dt.timedelta = dt.timedelta(days=30)  # the outbox's longest plausible wait
    max_lesson_lead: dt.timedelta = DAY  # no report for a lesson that far in the future
    end_report_grace: dt.timedelta = HOUR  # an end report is late after lesson end + this


@dataclass(frozen=True, slots=True)
class LessonTimes:
    key: str
    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True, slots=True)
class Timing:
    """When the report was made and received, and how the two clocks disagreed."""

    device_time: dt.datetime
    received_at: dt.datetime
    skew_seconds: int  # received_at - device_time: upload delay plus the device clock's error
    late: bool  # received after the report was due (e.g. sent from the outbox hours later)


def classify(
    report: Report, lesson: LessonTimes, received_at: dt.datetime, policy: Policy
) -> Timing:
    """Accept a report's times, marking lateness, or refuse ones that cannot be true."""
    check_device_clock(report.device_time, received_at, policy)
    check_lesson_in_range(lesson, received_at, policy)
    skew = received_at - report.device_time
    return Timing(
        device_time=report.device_time.astimezone(dt.UTC),
        received_at=received_at,
        skew_seconds=round(skew.total_seconds()),
        late=received_at > due(report.kind, lesson, policy),
    )


def due(kind: ReportKind, lesson: LessonTimes, policy: Policy) -> dt.datetime:
    """When the server expects to have a report: check-ins and problems by the lesson's end."""
    if kind is ReportKind.END_REPORT:
        return lesson.end + policy.end_report_grace
    return lesson.end


def check_device_clock(device_time: dt.datetime, received_at: dt.datetime, policy: Policy) -> None:
    ahead = device_time - received_at
    if ahead > policy.max_clock_ahead:
        raise ImplausibleReportError(
            "device_time",
            f"{device_time.isoformat()} is {describe(ahead)} ahead of the server's clock "
            f"({received_at.isoformat()}); check the phone's date and time",
        )
    if -ahead > policy.max_report_age:
        raise ImplausibleReportError(
            "device_time",
            f"{device_time.isoformat()} is {describe(-ahead)} behind the server's clock "
            f"({received_at.isoformat()}); reports older than "
            f"{describe(policy.max_report_age)} are refused; check the phone's date and time",
        )


def check_lesson_in_range(lesson: LessonTimes, received_at: dt.datetime, policy: Policy) -> None:
    if lesson.start - received_at > policy.max_lesson_lead:
        raise ImplausibleReportError(
            "lesson_key",
            f"lesson {lesson.key} starts {lesson.start.isoformat()}, "
            f"{describe(lesson.start - received_at)} from now; reports are accepted from "
            f"{describe(policy.max_lesson_lead)} before a lesson",
        )
    if received_at - lesson.end > policy.max_report_age:
        raise ImplausibleReportError(
            "lesson_key",
            f"lesson {lesson.key} ended {lesson.end.isoformat()}, "
            f"{describe(received_at - lesson.end)} ago; reports are accepted up to "
            f"{describe(policy.max_report_age)} after a lesson",
        )


def describe(span: dt.timedelta) -> str:
    """A span in the largest unit that fits: '3 years', '5 days', '4 hours', '12 minutes'."""
    seconds = span.total_seconds()
    for unit, size in (("year", 365 * 86400), ("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{int(seconds)} seconds"
