"""Non-class events (training, 教研, parent classes) dated like lessons, in UTC."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from coordinator.calendar.lessons import lesson_uid, to_utc
from coordinator.domain import Event
from coordinator.enums import AudienceKind, EventKind


@dataclass(frozen=True, slots=True)
class DatedEvent:
    """One event with UTC times; its key is the event id, so moving it keeps its UID."""

    key: str
    uid: str
    event_id: str
    kind: EventKind
    title: str
    date: dt.date
    start: dt.datetime  # UTC
    end: dt.datetime  # UTC
    time_zone: str
    audience_kind: AudienceKind
    audience_id: str
    host_teacher_id: str | None
    host_name: str
    link: str


def event_key(event_id: str) -> str:
    return f"event-{event_id}"


def date_event(event: Event) -> DatedEvent:
    """`event` with its start and end converted from its own zone to UTC."""
    key = event_key(event.id)
    return DatedEvent(
        key=key,
        uid=lesson_uid(key),
        event_id=event.id,
        kind=event.kind,
        title=event.title,
        date=event.date,
        start=to_utc(event.date, event.start, event.time_zone),
        end=to_utc(event.date, event.end, event.time_zone),
        time_zone=event.time_zone,
        audience_kind=event.audience_kind,
        audience_id=event.audience_id,
        host_teacher_id=event.host_teacher_id,
        host_name=event.host_name,
        link=event.link,
    )


def date_events(events: Iterable[Event], first: dt.date, last: dt.date) -> list[DatedEvent]:
    """The events dated from `first` to `last`, sorted by start and key."""
    dated = [date_event(e) for e in events if first <= e.date <= last]
    return sorted(dated, key=lambda d: (d.start, d.key))
