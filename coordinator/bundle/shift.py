"""Moving a bundle's dates, so that a demo written for one week runs in the current week.

Dates move by whole weeks, so weekdays and 调休 weekends keep their places; national
holidays with a fixed date (元旦, 劳动节, 国庆节) do not: they stay on their month and day,
in the year nearest to where the shift would have put them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from coordinator.domain import Bundle, CalendarDay
from coordinator.enums import DayKind

DAYS_PER_WEEK = 7
# National holidays on fixed Gregorian dates: (first month-day, last month-day, names).
FIXED_DATE_HOLIDAYS = (
    ((1, 1), (1, 3), ("元旦", "New Year")),
    ((5, 1), (5, 5), ("劳动节", "Labour Day", "Labor Day")),
    ((10, 1), (10, 8), ("国庆", "National Day")),
)


def is_fixed_date_holiday(day: CalendarDay) -> bool:
    """A holiday named as one of the fixed-date national holidays, on one of its dates."""
    if day.kind is not DayKind.HOLIDAY:
        return False
    month_day = (day.date.month, day.date.day)
    return any(
        first <= month_day <= last and any(name.lower() in day.name.lower() for name in names)
        for first, last, names in FIXED_DATE_HOLIDAYS
    )


def _same_day_nearest(date: dt.date, near: dt.date) -> dt.date:
    """`date`'s month and day in the year that puts it nearest to `near`."""
    candidates = [date.replace(year=year) for year in (near.year - 1, near.year, near.year + 1)]
    return min(candidates, key=lambda candidate: abs((candidate - near).days))


def shift_calendar_days(
    days: tuple[CalendarDay, ...], step: dt.timedelta
) -> tuple[CalendarDay, ...]:
    """Every day moved by `step`, but fixed-date national holidays kept on their own dates;
    a moved day that lands on such a holiday of the same scope gives way to it."""
    moved = [
        dataclasses.replace(
            day,
            date=_same_day_nearest(day.date, day.date + step)
            if is_fixed_date_holiday(day)
            else day.date + step,
        )
        for day in days
    ]
    fixed = {
        (day.date, day.region_id, day.school_id)
        for day, original in zip(moved, days, strict=True)
        if is_fixed_date_holiday(original)
    }
    return tuple(
        day
        for day, original in zip(moved, days, strict=True)
        if is_fixed_date_holiday(original) or (day.date, day.region_id, day.school_id) not in fixed
    )


def shift_bundle(bundle: Bundle, days: int) -> Bundle:
    """`bundle` with every date (terms, calendar days, events, anchor date) moved by `days`;
    fixed-date national holidays stay where they are (see `shift_calendar_days`)."""
    step = dt.timedelta(days=days)
    return dataclasses.replace(
        bundle,
        anchor_date=bundle.anchor_date + step if bundle.anchor_date else None,
        terms=tuple(
            dataclasses.replace(term, start=term.start + step, end=term.end + step)
            for term in bundle.terms
        ),
        calendar_days=shift_calendar_days(bundle.calendar_days, step),
        events=tuple(dataclasses.replace(event, date=event.date + step) for event in bundle.events),
    )


def weeks_to_today(anchor: dt.date, today: dt.date) -> int:
    """Whole weeks that move `anchor` into the Monday-to-Sunday week of `today`."""
    anchor_monday = anchor - dt.timedelta(days=anchor.weekday())
    today_monday = today - dt.timedelta(days=today.weekday())
    return (today_monday - anchor_monday).days // DAYS_PER_WEEK
