"""The feed window: 14 days back to the end of the term; recent cancellations stay."""

from __future__ import annotations

import dataclasses
import datetime as dt

from coordinator.calendar import (
    FeedItem,
    FeedWindow,
    LessonStatus,
    feed_window,
    select_items,
    window_for,
)
from tests.calendar.scenario import HEXI

UTC = dt.UTC
NOW = dt.datetime(2026, 11, 20, 4, 0, tzinfo=UTC)


def item(day: dt.date, **changes: object) -> FeedItem:
    start = dt.datetime.combine(day, dt.time(2, 0), tzinfo=UTC)
    base = FeedItem(
        uid=f"S1@{day}",
        summary="音乐",
        start=start,
        end=start + dt.timedelta(minutes=40),
        last_modified=dt.datetime(2026, 9, 25, tzinfo=UTC),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_feed_window_runs_from_14_days_back_to_term_end() -> None:
    window = feed_window(dt.date(2026, 11, 20), dt.date(2027, 1, 22))

    assert window == FeedWindow(dt.date(2026, 11, 6), dt.date(2027, 1, 22))


def test_feed_window_between_terms_ends_today() -> None:
    assert feed_window(dt.date(2027, 2, 1), None) == FeedWindow(
        dt.date(2027, 1, 18), dt.date(2027, 2, 1)
    )


def test_window_for_school_calendar_uses_its_term() -> None:
    assert window_for(HEXI, dt.date(2026, 11, 20)).last == dt.date(2027, 1, 22)


def test_select_items_keeps_window_and_recent_cancellations() -> None:
    window = feed_window(NOW.date(), dt.date(2027, 1, 22))
    recently = dt.datetime(2026, 11, 10, tzinfo=UTC)
    long_ago = dt.datetime(2026, 11, 1, tzinfo=UTC)
    inside = item(dt.date(2026, 11, 6))
    old = item(dt.date(2026, 10, 30))
    old_recently_cancelled = item(
        dt.date(2026, 10, 23), uid="c1", status=LessonStatus.CANCELLED, last_modified=recently
    )
    old_cancelled_long_ago = item(
        dt.date(2026, 10, 23), uid="c2", status=LessonStatus.CANCELLED, last_modified=long_ago
    )
    next_term = item(dt.date(2027, 3, 1))

    kept = select_items(
        [inside, old, old_recently_cancelled, old_cancelled_long_ago, next_term], window, NOW
    )

    assert kept == [inside, old_recently_cancelled]
