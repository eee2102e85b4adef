"""Moving a bundle's dates, so that a demo written for one week runs in the current week."""

from __future__ import annotations

import dataclasses
import datetime as dt

from coordinator.domain import Bundle

DAYS_PER_WEEK = 7


def shift_bundle(bundle: Bundle, days: int) -> Bundle:
    """`bundle` with every date (terms, calendar days, events, anchor date) moved by `days`."""
    step = dt.timedelta(days=days)
    return dataclasses.replace(
        bundle,
        anchor_date=bundle.anchor_date + step if bundle.anchor_date else None,
        terms=tuple(
            dataclasses.replace(term, start=term.start + step, end=term.end + step)
            for term in bundle.terms
        ),
        calendar_days=tuple(
            dataclasses.replace(day, date=day.date + step) for day in bundle.calendar_days
        ),
        events=tuple(dataclasses.replace(event, date=event.date + step) for event in bundle.events),
    )


def weeks_to_today(anchor: dt.date, today: dt.date) -> int:
    """Whole weeks that move `anchor` into the Monday-to-Sunday week of `today`."""
    anchor_monday = anchor - dt.timedelta(days=anchor.weekday())
    today_monday = today - dt.timedelta(days=today.weekday())
    return (today_monday - anchor_monday).days // DAYS_PER_WEEK
