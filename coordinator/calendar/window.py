"""Which items a feed carries: 14 days back to the end of the term, recent cancellations kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from coordinator.calendar.feed import FeedItem, LessonStatus
from coordinator.calendar.school import SchoolCalendar

LOOKBACK = dt.timedelta(days=14)
KEEP_CANCELLED = dt.timedelta(days=14)


@dataclass(frozen=True, slots=True)
class FeedWindow:
    """The local dates a feed covers, both included."""

    first: dt.date
    last: dt.date

    def covers(self, date: dt.date) -> bool:
        return self.first <= date <= self.last


def feed_window(today: dt.date, term_end: dt.date | None) -> FeedWindow:
    """From 14 days before `today` to the end of the term (at least to `today`)."""
    last = today if term_end is None else max(term_end, today)
    return FeedWindow(today - LOOKBACK, last)


def window_for(calendar: SchoolCalendar, today: dt.date) -> FeedWindow:
    """The window of a feed that follows `calendar`: its current term, or the next one."""
    term = calendar.term_from(today)
    return feed_window(today, term.end if term else None)


def select_items(items: Iterable[FeedItem], window: FeedWindow, now: dt.datetime) -> list[FeedItem]:
    """The items inside `window`, plus items cancelled less than 14 days before `now`.

    A cancellation stays visible (STATUS:CANCELLED, 【已取消】) for at least 14 days even when
    the lesson's own date has left the window, so slow clients see it before it disappears.
    """
    return [item for item in items if _keep(item, window, now)]


def _keep(item: FeedItem, window: FeedWindow, now: dt.datetime) -> bool:
    date = item.start.astimezone(ZoneInfo(item.tzid)).date()
    if window.covers(date):
        return True
    recently_cancelled = (
        item.status is LessonStatus.CANCELLED and now - item.last_modified < KEEP_CANCELLED
    )
    return recently_cancelled and date < window.first
