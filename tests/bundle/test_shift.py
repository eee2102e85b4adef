"""Tests of moving a bundle's dates to the current week."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from coordinator.bundle import read_bundle, shift_bundle, weeks_to_today
from coordinator.domain import CalendarDay
from coordinator.enums import DayKind

from .expected import SMALL_BUNDLE

DEMO = Path(__file__).parents[2] / "config" / "demo"


def test_shift_bundle_moves_every_date_but_fixed_holidays() -> None:
    shifted = shift_bundle(SMALL_BUNDLE, 14)

    assert shifted.anchor_date == dt.date(2026, 11, 30)
    assert [(term.start, term.end) for term in shifted.terms] == [
        (dt.date(2026, 9, 15), dt.date(2027, 2, 5))
    ]
    assert [day.date for day in shifted.calendar_days] == [
        dt.date(2026, 10, 1),  # 国庆节 keeps its date
        dt.date(2026, 10, 24),
        dt.date(2026, 12, 2),
        dt.date(2026, 12, 4),
    ]
    assert [event.date for event in shifted.events] == [dt.date(2026, 12, 3), dt.date(2026, 12, 5)]


def test_shift_bundle_leaves_everything_else_alone() -> None:
    shifted = shift_bundle(SMALL_BUNDLE, -7)

    assert (
        dataclasses.replace(
            shifted,
            anchor_date=SMALL_BUNDLE.anchor_date,
            terms=SMALL_BUNDLE.terms,
            calendar_days=SMALL_BUNDLE.calendar_days,
            events=SMALL_BUNDLE.events,
        )
        == SMALL_BUNDLE
    )
    assert shift_bundle(shifted, 7) == SMALL_BUNDLE


def test_shift_bundle_without_anchor_date_keeps_none() -> None:
    bundle = dataclasses.replace(SMALL_BUNDLE, anchor_date=None)

    assert shift_bundle(bundle, 7).anchor_date is None


@pytest.mark.parametrize(
    ("today", "weeks"),
    [
        (dt.date(2026, 11, 16), 0),  # the anchor itself, a Monday
        (dt.date(2026, 11, 22), 0),  # the Sunday of the same week
        (dt.date(2026, 11, 23), 1),
        (dt.date(2027, 3, 3), 15),
        (dt.date(2026, 11, 15), -1),
    ],
)
def test_weeks_to_today_counts_whole_weeks(today: dt.date, weeks: int) -> None:
    assert weeks_to_today(dt.date(2026, 11, 16), today) == weeks


def test_weeks_to_today_keeps_weekdays() -> None:
    anchor = dt.date(2026, 11, 18)
    today = dt.date(2027, 5, 2)

    moved = anchor + dt.timedelta(weeks=weeks_to_today(anchor, today))

    assert moved.isoweekday() == anchor.isoweekday()
    assert moved.isocalendar()[:2] == today.isocalendar()[:2]


def test_shift_bundle_of_the_demo_keeps_fixed_date_national_holidays() -> None:
    demo = read_bundle(DEMO).bundle
    assert demo is not None

    for weeks in (1, 3, 8, -2):
        shifted = shift_bundle(demo, 7 * weeks)
        holidays = {(d.date, d.name) for d in shifted.calendar_days if d.kind is DayKind.HOLIDAY}

        assert (dt.date(2027, 1, 1), "元旦") in holidays
        assert {dt.date(2026, 10, day) for day in range(1, 8)} == {
            date for date, name in holidays if name == "国庆节"
        }
        mid_autumn = dt.date(2026, 9, 25) + dt.timedelta(weeks=weeks)  # lunar: moves
        on_national_day = dt.date(2026, 10, 1) <= mid_autumn <= dt.date(2026, 10, 7)
        assert ((mid_autumn, "中秋节") in holidays) is not on_national_day


def test_shift_bundle_moves_a_fixed_holiday_to_the_nearest_year() -> None:
    new_year = CalendarDay(dt.date(2027, 1, 1), DayKind.HOLIDAY, "元旦")
    exam = CalendarDay(dt.date(2026, 12, 18), DayKind.EXAM, "期末考试")
    closure = CalendarDay(dt.date(2027, 1, 1), DayKind.CLOSURE, "元旦", school_id="r-x")
    bundle = dataclasses.replace(SMALL_BUNDLE, calendar_days=(new_year, exam, closure))

    assert shift_bundle(bundle, -7 * 30).calendar_days[0].date == dt.date(2026, 1, 1)
    assert shift_bundle(bundle, 7 * 30).calendar_days[0].date == dt.date(2028, 1, 1)
    # an exam moved onto 元旦 gives way to it; a closure named 元旦 is no national holiday
    assert shift_bundle(bundle, 14).calendar_days == (
        new_year,
        dataclasses.replace(closure, date=dt.date(2027, 1, 15)),
    )
