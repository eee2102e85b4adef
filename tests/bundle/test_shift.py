"""Tests of moving a bundle's dates to the current week."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from coordinator.bundle import shift_bundle, weeks_to_today

from .expected import SMALL_BUNDLE


def test_shift_bundle_moves_every_date() -> None:
    shifted = shift_bundle(SMALL_BUNDLE, 14)

    assert shifted.anchor_date == dt.date(2026, 11, 30)
    assert [(term.start, term.end) for term in shifted.terms] == [
        (dt.date(2026, 9, 15), dt.date(2027, 2, 5))
    ]
    assert [day.date for day in shifted.calendar_days] == [
        dt.date(2026, 10, 15),
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
