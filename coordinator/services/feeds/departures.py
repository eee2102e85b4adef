"""Lessons a classroom was taken out of: its feeds show them cancelled for a while."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import models
from coordinator.calendar import FeedItem, LessonStatus
from coordinator.calendar.feed import Language
from coordinator.services.data.directory import Directory
from coordinator.services.feeds.items import owner_lesson_item
from coordinator.services.feeds.tokens import FeedOwner

Departures = dict[str, dict[str, dt.datetime]]  # lesson key -> classroom -> when it left


async def recent_departures(
    session: AsyncSession, classrooms: Iterable[str], *, first: dt.date, since: dt.datetime
) -> Departures:
    """The lessons the classrooms left that a feed still shows: dated from `first` on, or left
    since `since` (as a cancelled lesson is kept), with when each classroom left."""
    departure, lesson = models.LessonDepartureRow, models.LessonRow
    query = (
        select(departure)
        .join(lesson, col(lesson.key) == col(departure.lesson_key))
        .where(
            col(departure.classroom_id).in_(list(classrooms)),
            or_(col(lesson.date) >= first, col(departure.left_at) >= since),
        )
    )
    departures: Departures = defaultdict(dict)
    for row in (await session.exec(query)).all():
        departures[row.lesson_key][row.classroom_id] = row.left_at
    return departures


def departed_item(
    directory: Directory,
    owner: FeedOwner,
    lesson: models.LessonRow,
    left: dict[str, dt.datetime],
    language: Language,
) -> FeedItem:
    """The lesson as the owner's classrooms that left it see it: cancelled, without a link."""
    room_ids = sorted(left)
    return owner_lesson_item(
        directory,
        owner,
        lesson,
        room_ids=room_ids,
        room=room_ids[0],
        link="",
        language=language,
        status=LessonStatus.CANCELLED,
        last_modified=max(lesson.changed_at, *left.values()),
    )
