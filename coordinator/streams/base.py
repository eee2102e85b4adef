"""What every link provider takes and gives: the lesson asked about and the links it gets.

A provider is a pure function of a `LinkRequest` and its own settings: the same lesson, revision
and secret always give the same links, and a new revision (a moved or re-assigned lesson) gives
new ones, so nothing random needs storing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar, Protocol

from pydantic import BaseModel, ConfigDict, field_validator

from coordinator.errors import CoordinatorError, NotFoundError

DEFAULT_MARGIN = dt.timedelta(minutes=15)


class StreamLinkError(CoordinatorError):
    """A lesson cannot get links as asked (naive times, empty window, bad ids)."""


class LinkKind(StrEnum):
    PUSH = "push"  # the teacher sends the stream here (RTMP: ffmpeg URL, or OBS server + key)
    HLS = "hls"  # a classroom watches this HLS playlist (browser, VLC, set-top box)
    RTMP_PLAY = "rtmp_play"  # a classroom plays the RTMP stream (VLC, ffplay)
    FLV = "flv"  # HTTP-FLV playback (CDN providers)
    JOIN = "join"  # a meeting join link (BigBlueButton, Jitsi, a fixed room)
    CREATE = "create"  # a server-side call coordinator makes before anybody joins (BBB create)


@dataclass(frozen=True, slots=True)
class Participant:
    """A teacher or a receiving classroom, as links and tokens name them."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class LinkRequest:
    """One dated lesson that needs links; `revision` changes whenever it moves or is re-assigned."""

    lesson_key: str
    revision: int
    teacher: Participant
    classrooms: tuple[Participant, ...]
    start: dt.datetime
    end: dt.datetime
    title: str = ""

    def __post_init__(self) -> None:
        where = f"lesson {self.lesson_key!r} revision {self.revision}"
        if not self.lesson_key:
            raise StreamLinkError("a lesson needs a non-empty lesson_key")
        for name, value in (("start", self.start), ("end", self.end)):
            if value.tzinfo is None or value.utcoffset() is None:
                raise StreamLinkError(f"{where}: {name} must be timezone-aware, got {value}")
        if self.end <= self.start:
            raise StreamLinkError(f"{where}: end {self.end} is not after start {self.start}")
        ids = [room.id for room in self.classrooms]
        if len(set(ids)) != len(ids):
            raise StreamLinkError(f"{where}: a classroom is listed twice in {ids}")


@dataclass(frozen=True, slots=True)
class Link:
    """One URL for one person; a push link also carries the OBS "server" and "stream key" split."""

    kind: LinkKind
    url: str
    server: str | None = None
    stream_key: str | None = None


@dataclass(frozen=True, slots=True)
class ClassroomLinks:
    classroom_id: str
    links: tuple[Link, ...]


@dataclass(frozen=True, slots=True)
class LessonLinks:
    """Everything a lesson's participants need, and the window in which it works."""

    provider: str
    lesson_key: str
    revision: int
    room: str  # stream name, meeting id or room name: what callbacks and dashboards show
    valid_from: dt.datetime
    valid_until: dt.datetime
    teacher: tuple[Link, ...]
    classrooms: tuple[ClassroomLinks, ...]
    server_calls: tuple[Link, ...] = ()  # for coordinator itself, never shown to people

    def for_classroom(self, classroom_id: str) -> tuple[Link, ...]:
        for entry in self.classrooms:
            if entry.classroom_id == classroom_id:
                return entry.links
        raise NotFoundError(
            f"lesson {self.lesson_key!r} revision {self.revision} has no classroom {classroom_id!r}"
        )


class ProviderSettings(BaseModel):
    """What every provider's section of `[streams]` has: how far the window reaches out."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    margin_before: dt.timedelta = DEFAULT_MARGIN  # links work this long before the start
    margin_after: dt.timedelta = DEFAULT_MARGIN  # ... and this long after the end

    @field_validator("margin_before", "margin_after")
    @classmethod
    def _not_negative(cls, value: dt.timedelta) -> dt.timedelta:
        if value < dt.timedelta(0):
            raise ValueError(f"a margin cannot be negative, got {value}")
        return value

    def window(self, request: LinkRequest) -> Window:
        return Window.around(request, self.margin_before, self.margin_after)


class LinkProvider(Protocol):
    """A streaming or meeting service that turns a lesson into links; one module each."""

    name: ClassVar[str]

    def links(self, request: LinkRequest) -> LessonLinks: ...


@dataclass(frozen=True, slots=True)
class Window:
    """The time in which a lesson's links work: its start and end widened by the margins."""

    valid_from: dt.datetime
    valid_until: dt.datetime

    @classmethod
    def around(cls, request: LinkRequest, before: dt.timedelta, after: dt.timedelta) -> Window:
        return cls(
            valid_from=(request.start - before).astimezone(dt.UTC),
            valid_until=(request.end + after).astimezone(dt.UTC),
        )

    def contains(self, now: dt.datetime) -> bool:
        return self.valid_from <= now <= self.valid_until
