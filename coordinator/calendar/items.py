"""Feed items from dated lessons and events, plus what the store knows about them."""

from __future__ import annotations

import datetime as dt

from coordinator.calendar.events import DatedEvent
from coordinator.calendar.feed import FeedItem, LessonStatus
from coordinator.calendar.lessons import DatedLesson
from coordinator.calendar.text import EventText


def lesson_item(
    lesson: DatedLesson,
    text: EventText,
    *,
    last_modified: dt.datetime,
    revision: int = 0,
    status: LessonStatus = LessonStatus.SCHEDULED,
    link: str = "",
    location: str = "",
    categories: tuple[str, ...] = (),
    tzid: str | None = None,
) -> FeedItem:
    """One subscriber's view of `lesson`; `tzid` defaults to the lesson's own zone."""
    return FeedItem(
        uid=lesson.uid,
        summary=text.summary,
        description=text.description,
        link_label=text.link_label,
        start=lesson.start,
        end=lesson.end,
        last_modified=last_modified,
        tzid=tzid or lesson.time_zone,
        status=status,
        sequence=revision,
        url=link,
        location=location,
        categories=categories,
    )


def event_item(
    event: DatedEvent,
    text: EventText,
    *,
    last_modified: dt.datetime,
    revision: int = 0,
    status: LessonStatus = LessonStatus.SCHEDULED,
    categories: tuple[str, ...] = (),
) -> FeedItem:
    """One subscriber's view of a training, 教研 or parent class event."""
    return FeedItem(
        uid=event.uid,
        summary=text.summary,
        description=text.description,
        link_label=text.link_label,
        start=event.start,
        end=event.end,
        last_modified=last_modified,
        tzid=event.time_zone,
        status=status,
        sequence=revision,
        url=event.link,
        categories=categories,
    )
