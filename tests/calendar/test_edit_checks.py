"""Conflict checks of a hand edit: each kind of conflict refused with a message that names it."""

from __future__ import annotations

import dataclasses
import datetime as dt

from coordinator import domain
from coordinator.calendar.edit_checks import BookedLesson, check_cancel, check_change
from coordinator.calendar.edit_problems import EditCheck, Severity
from coordinator.enums import DayKind
from tests.factories import small_bundle

NOW = dt.datetime(2026, 11, 20, 0, 0, tzinfo=dt.UTC)  # Friday 08:00 in Shanghai
ZONE = "Asia/Shanghai"


def at(day: int, clock: str, minutes: int = 40) -> tuple[dt.datetime, dt.datetime]:
    """November `day`, 2026, at a Shanghai clock time, as UTC."""
    hour, minute = map(int, clock.split(":"))
    start = dt.datetime(2026, 11, day, hour, minute, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    return start.astimezone(dt.UTC), (start + dt.timedelta(minutes=minutes)).astimezone(dt.UTC)


def lesson(
    key: str = "wang-music-mon@2026-11-23",
    *,
    when: tuple[dt.datetime, dt.datetime] | None = None,
    teacher: str = "t-wang",
    subject: str = "music",
    rooms: tuple[str, ...] = ("c-east-3",),
) -> BookedLesson:
    start, end = when or at(23, "10:10")
    return BookedLesson(key, subject, teacher, rooms, start, end, ZONE)


def county() -> domain.Bundle:
    """The small county with an exam day in 东村 and a holiday at the teacher's urban school."""
    bundle = small_bundle()
    extra = (
        domain.CalendarDay(dt.date(2026, 11, 26), DayKind.EXAM, "期中考试", school_id="r-east"),
        domain.CalendarDay(dt.date(2026, 11, 25), DayKind.CLOSURE, "校庆", school_id="u-one"),
    )
    return dataclasses.replace(bundle, calendar_days=(*bundle.calendar_days, *extra))


def moved(
    day: int,
    clock: str,
    others: tuple[BookedLesson, ...] = (),
    before: BookedLesson | None = None,
) -> EditCheck:
    before = before or lesson()
    after = dataclasses.replace(before, start=at(day, clock)[0], end=at(day, clock)[1])
    return check_change(county(), before, after, others, now=NOW)


def reassigned(
    to: str, others: tuple[BookedLesson, ...] = (), before: BookedLesson | None = None
) -> EditCheck:
    before = before or lesson()
    after = dataclasses.replace(before, teacher_id=to)
    return check_change(county(), before, after, others, now=NOW)


def codes(check: EditCheck) -> list[tuple[str, str, str]]:
    return [(p.code, p.severity.value, p.field) for p in check.problems]


def test_a_move_to_a_free_live_period_passes() -> None:
    assert moved(24, "10:10").problems == ()


def test_a_move_into_the_past_is_refused() -> None:
    check = moved(19, "10:10")
    assert codes(check) == [("in_past", "error", "start")]
    assert check.problems[0].text_en == "The new time Thu 2026-11-19 10:10–10:50 is in the past."
    assert check.problems[0].text_zh == "新时间2026-11-19（周四）10:10–10:50已经过去。"


def test_a_lesson_that_has_begun_cannot_change_at_all() -> None:
    before = lesson(when=at(20, "08:00"))
    after = dataclasses.replace(before, start=at(24, "10:10")[0], end=at(24, "10:10")[1])
    check = check_change(county(), before, after, (), now=NOW)
    assert codes(check) == [("started", "error", "")]
    assert codes(check_cancel(before, now=NOW)) == [("started", "error", "")]
    assert check_cancel(lesson(), now=NOW).problems == ()


def test_a_move_to_the_same_time_changes_nothing() -> None:
    check = moved(23, "10:10")
    assert codes(check) == [("unchanged", "error", "")]
    assert "王丽" in check.problems[0].text_zh


def test_the_teacher_teaching_another_lesson_then_is_refused_and_named() -> None:
    other = lesson("wang-music-west@2026-11-24", when=at(24, "10:30"), rooms=("c-west-3",))
    check = moved(24, "10:10", (other,))
    assert codes(check) == [("teacher_lesson", "error", "start")]
    assert check.problems[0].text_en == (
        "王丽 already teaches Music to 西村教学点 三年级 at Tue 2026-11-24 10:30–11:10."
    )


def test_a_classroom_with_another_lesson_then_is_refused_and_named() -> None:
    other = lesson("chen-art@2026-11-24", when=at(24, "10:10"), teacher="t-chen", subject="art")
    check = moved(24, "10:10", (other,))
    assert codes(check) == [("classroom_lesson", "error", "start")]
    assert check.problems[0].text_zh == (
        "东村小学 三年级（1）班在2026-11-24（周二）10:10–10:50已有陈明的美术课。"
    )


def test_cancelled_or_own_lessons_do_not_count_as_taken() -> None:
    itself = lesson(when=at(24, "10:10"))  # the lesson's own key
    assert moved(24, "10:10", (itself,)).problems == ()


def test_a_closed_school_is_refused() -> None:
    check = moved(27, "10:10", before=lesson(rooms=("c-west-3",)))
    assert codes(check) == [("classroom_no_school", "error", "date")]
    assert check.problems[0].text_en == (
        "西村教学点 三年级 has no school on Fri 2026-11-27: 停电, closed."
    )


def test_an_exam_day_is_refused() -> None:
    check = moved(26, "10:10")
    assert codes(check) == [("classroom_exam", "error", "date")]
    assert "期中考试" in check.problems[0].text_zh


def test_a_day_without_periods_is_refused() -> None:
    assert codes(moved(28, "10:10")) == [("no_periods", "error", "date")]  # a Saturday


def test_a_time_outside_the_school_day_is_refused() -> None:
    check = moved(24, "15:00")
    assert codes(check) == [("outside_school_day", "error", "start")]
    assert check.problems[0].text_en == (
        "15:00–15:40 is outside 东村小学 三年级（1）班's school day on Tue 2026-11-24 "
        "(08:20–11:40)."
    )


def test_a_time_between_live_periods_is_a_warning() -> None:
    check = moved(24, "09:40")
    assert codes(check) == [("not_in_period", "warning", "start")]
    assert "09:10–09:50, 10:10–10:50, 11:00–11:40" in check.problems[0].text_en


def test_the_teachers_own_school_closed_is_only_a_warning() -> None:
    check = moved(25, "10:10")
    assert codes(check) == [("teacher_no_school", "warning", "start")]
    assert check.problems[0].text_zh.startswith("王丽所在的城关一小在2026-11-25（周三）不上课")


def test_a_busy_block_at_the_teachers_own_school_is_refused() -> None:
    check = moved(30, "09:10")  # Monday, 本校课 08:00-09:30
    assert codes(check) == [("teacher_busy", "error", "start")]
    assert check.problems[0].text_en == (
        "王丽 has their own school's lessons 08:00–09:30 on Mon 2026-11-30 (本校课)."
    )


def test_passing_the_daily_maximum_is_a_warning() -> None:
    tuesday = tuple(
        lesson(f"wang-{n}@2026-11-24", when=at(24, clock), rooms=("c-west-3",))
        for n, clock in enumerate(("08:20", "09:10", "11:00"))
    )
    check = moved(24, "10:10", tuesday)
    assert codes(check) == [("day_max", "warning", "date")]
    assert check.problems[0].text_en == (
        "王丽 would give 4 live lessons on Tue 2026-11-24, more than their 3 a day."
    )


def test_reassigning_to_a_free_qualified_teacher_passes() -> None:
    assert reassigned("t-chen").problems == ()


def test_reassigning_to_a_teacher_who_does_not_teach_the_subject_is_refused() -> None:
    art = lesson("chen-art@2026-11-23", teacher="t-chen", subject="art", rooms=("c-east-4",))
    check = reassigned("t-wang", before=art)
    assert codes(check) == [("not_subject", "error", "teacher")]
    assert check.problems[0].text_zh == "王丽不教美术。"


def test_reassigning_to_a_teacher_who_does_not_teach_the_grade_is_refused() -> None:
    bundle = county()
    chen = dataclasses.replace(bundle.network_teachers[1], grades=(4,))
    bundle = dataclasses.replace(bundle, network_teachers=(bundle.network_teachers[0], chen))
    before = lesson()
    check = check_change(
        bundle, before, dataclasses.replace(before, teacher_id="t-chen"), (), now=NOW
    )
    assert codes(check) == [("not_grade", "error", "teacher")]
    assert check.problems[0].text_en == "陈明 does not teach grade 3 (东村小学 三年级（1）班)."


def test_reassigning_to_a_teacher_busy_with_another_lesson_is_refused() -> None:
    other = lesson("chen-art@2026-11-23", teacher="t-chen", subject="art", rooms=("c-east-4",))
    check = reassigned("t-chen", (other,))
    assert codes(check) == [("teacher_lesson", "error", "teacher")]
    assert "陈明 already teaches Art to 东村小学 四年级（1）班" in check.problems[0].text_en


def test_reassigning_into_the_new_teachers_busy_block_is_refused() -> None:
    wednesday = lesson("wang-music@2026-11-25", when=at(25, "10:10"))  # 陈明 busy 10:00-11:30
    check = check_change(
        small_bundle(), wednesday, dataclasses.replace(wednesday, teacher_id="t-chen"), (), now=NOW
    )
    assert codes(check) == [("teacher_busy", "error", "teacher")]
    assert "陈明 has their own school's lessons 10:00–11:30" in check.problems[0].text_en


def test_reassigning_to_an_unknown_teacher_is_refused() -> None:
    check = reassigned("t-nobody")
    assert codes(check) == [("unknown_teacher", "error", "teacher")]
    assert "t-nobody" in check.problems[0].text_en


def test_a_revived_lesson_is_checked_as_if_new() -> None:
    other = lesson("chen-art@2026-11-23", teacher="t-chen", subject="art")
    before = lesson()
    check = check_change(county(), before, before, (other,), now=NOW, revived=True)
    assert codes(check) == [("classroom_lesson", "error", "start")]


def test_errors_come_before_warnings() -> None:
    other = lesson("chen-art@2026-11-25", when=at(25, "10:10"), teacher="t-chen", subject="art")
    check = moved(25, "10:10", (other,))
    assert [p.severity for p in check.problems] == [Severity.ERROR, Severity.WARNING]
    assert (len(check.errors), len(check.warnings)) == (1, 1)
