"""A school's calendar: terms, holidays, closures, exam days and 调休 by scope."""

from __future__ import annotations

import datetime as dt

from coordinator.calendar import DayType, SchoolCalendar, SchoolDay
from coordinator.domain import CalendarDay, School, Term
from coordinator.enums import DayKind, SchoolKind
from tests.calendar.scenario import HEXI, SHANKOU, SHIYAN

AUTUMN = Term("autumn", "秋季学期", dt.date(2026, 9, 1), dt.date(2027, 1, 22))


def build(days: tuple[CalendarDay, ...], terms: tuple[Term, ...] = (AUTUMN,)) -> SchoolCalendar:
    return SchoolCalendar.build(
        school_id="r-hexi", region_id="qingshan", terms=terms, calendar_days=days
    )


def test_day_ordinary_runs_its_own_weekday() -> None:
    day = HEXI.day(dt.date(2026, 10, 9))

    assert day == SchoolDay(dt.date(2026, 10, 9), DayType.ORDINARY, 5, term_id="2026-autumn")
    assert day.live


def test_day_holiday_has_no_timetable() -> None:
    day = HEXI.day(dt.date(2026, 10, 1))

    assert (day.type, day.timetable_weekday, day.name) == (DayType.HOLIDAY, None, "国庆节")
    assert not day.has_school


def test_day_makeup_saturday_follows_friday() -> None:
    day = HEXI.day(dt.date(2026, 10, 10))

    assert (day.type, day.timetable_weekday, day.live) == (DayType.MAKEUP, 5, True)
    assert HEXI.timetable_weekday(dt.date(2026, 10, 10)) == 5


def test_day_exam_is_open_without_live_lessons() -> None:
    day = SHIYAN.day(dt.date(2026, 10, 30))

    assert (day.type, day.timetable_weekday, day.has_school, day.live) == (
        DayType.EXAM,
        5,
        True,
        False,
    )


def test_day_outside_term_has_no_school() -> None:
    day = HEXI.day(dt.date(2026, 8, 31))

    assert (day.type, day.timetable_weekday, day.term_id) == (DayType.OUT_OF_TERM, None, None)
    assert not HEXI.in_term(dt.date(2026, 8, 31))
    assert HEXI.in_term(dt.date(2026, 9, 1))


def test_region_closure_reaches_only_its_region() -> None:
    date = dt.date(2026, 10, 16)

    assert SHANKOU.day(date).type is DayType.CLOSURE
    assert HEXI.day(date).type is DayType.ORDINARY


def test_school_day_overrides_everyone_day() -> None:
    date = dt.date(2026, 10, 10)

    assert SHANKOU.timetable_weekday(date) == 1  # its own 校内调休 follows Monday
    assert HEXI.timetable_weekday(date) == 5  # the national 调休 follows Friday


def test_school_day_overrides_region_day_which_overrides_everyone_day() -> None:
    date = dt.date(2026, 10, 12)
    days = (
        CalendarDay(date, DayKind.HOLIDAY, "全国"),
        CalendarDay(date, DayKind.CLOSURE, "全县", region_id="qingshan"),
        CalendarDay(date, DayKind.EXAM, "本校", school_id="r-hexi"),
    )

    assert build(days).day(date).name == "本校"
    assert build(days[:2]).day(date).name == "全县"
    assert build(days[:1]).day(date).name == "全国"


def test_days_of_other_schools_and_regions_are_ignored() -> None:
    date = dt.date(2026, 10, 12)
    days = (
        CalendarDay(date, DayKind.CLOSURE, region_id="baishui"),
        CalendarDay(date, DayKind.CLOSURE, school_id="r-other"),
    )

    assert build(days).day(date).type is DayType.ORDINARY


def test_same_scope_entries_most_restrictive_wins_in_any_order() -> None:
    date = dt.date(2026, 10, 17)
    days = (
        CalendarDay(date, DayKind.MAKEUP, follows_weekday=2),
        CalendarDay(date, DayKind.CLOSURE),
    )

    assert build(days).day(date).type is DayType.CLOSURE
    assert build(days[::-1]).day(date).type is DayType.CLOSURE


def test_region_term_applies_only_to_its_region() -> None:
    spring = Term("spring-bs", "白水春季", dt.date(2027, 2, 20), dt.date(2027, 7, 10), "baishui")
    calendar = build((), terms=(AUTUMN, spring))

    assert calendar.day(dt.date(2027, 3, 1)).type is DayType.OUT_OF_TERM
    assert calendar.term_from(dt.date(2027, 1, 10)) == AUTUMN
    assert calendar.term_from(dt.date(2027, 2, 1)) is None


def test_term_from_returns_next_term_between_terms() -> None:
    spring = Term("spring", "春季学期", dt.date(2027, 2, 22), dt.date(2027, 7, 9))
    calendar = build((), terms=(spring, AUTUMN))

    assert calendar.term_from(dt.date(2027, 2, 1)) == spring
    assert calendar.term_on(dt.date(2027, 2, 1)) is None


def test_for_school_takes_zone_and_region_from_school() -> None:
    school = School("b-berlin", "Mitte", SchoolKind.URBAN, "berlin", "b", "Europe/Berlin")
    days = (CalendarDay(dt.date(2026, 10, 12), DayKind.CLOSURE, region_id="berlin"),)

    calendar = SchoolCalendar.for_school(school, (AUTUMN,), days)

    assert (calendar.time_zone, calendar.region_id) == ("Europe/Berlin", "berlin")
    assert calendar.day(dt.date(2026, 10, 12)).type is DayType.CLOSURE
