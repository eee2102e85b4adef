"""Lessons in people's own calendars: what an entry holds and what a calendar provider does.

A provider (WeCom schedules, DingTalk calendar events) adds an entry to one person's
calendar and answers its event id, updates it, or removes it. Which event belongs to which
lesson and person is kept by the services (`services/notifications/calendar_sync`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    """One dated lesson as a calendar shows it, in the school's clock."""

    summary: str
    description: str
    location: str
    start: dt.datetime
    end: dt.datetime
    time_zone: str
    remind_before_minutes: int

    def as_data(self) -> dict[str, Any]:
        """Plain JSON for an outbox row."""
        return {
            "summary": self.summary,
            "description": self.description,
            "location": self.location,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "time_zone": self.time_zone,
            "remind_before_minutes": self.remind_before_minutes,
        }

    @classmethod
    def of_data(cls, data: dict[str, Any]) -> CalendarEntry:
        return cls(
            summary=str(data["summary"]),
            description=str(data["description"]),
            location=str(data["location"]),
            start=dt.datetime.fromisoformat(str(data["start"])),
            end=dt.datetime.fromisoformat(str(data["end"])),
            time_zone=str(data["time_zone"]),
            remind_before_minutes=int(data["remind_before_minutes"]),
        )


def marker_of(lesson_key: str) -> str:
    """The line that names the lesson in an entry's description, so an entry whose add was
    never answered can be found again."""
    return f"#{lesson_key}"


def marked(entry: CalendarEntry, lesson_key: str) -> CalendarEntry:
    """The entry with its lesson's marker as the description's last line."""
    marker = marker_of(lesson_key)
    return dataclasses.replace(entry, description=f"{entry.description}\n{marker}".lstrip("\n"))


def has_marker(description: object, marker: str) -> bool:
    return isinstance(description, str) and marker in description.splitlines()


class CalendarProvider(Protocol):
    """Entries in one person's calendar; every call raises DeliveryError when refused."""

    name: str

    async def calendar_user(self, userid: str) -> str:
        """Whose calendar the other calls name (DingTalk: the unionId; WeCom: the userid)."""

    async def add(self, user: str, entry: CalendarEntry) -> str:
        """Create the entry; the provider's event id."""

    async def update(self, user: str, event_id: str, entry: CalendarEntry) -> None:
        """Replace the entry's time, texts and place."""

    async def remove(self, user: str, event_id: str) -> None:
        """Delete it; one the provider no longer knows counts as removed."""

    async def find(self, user: str, entry: CalendarEntry, marker: str) -> str:
        """The id of the entry at the entry's time whose description has the marker ("" when
        there is none, or the provider cannot list entries)."""
