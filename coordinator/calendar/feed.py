"""iCalendar subscription feeds (RFC 5545 + RFC 7986): view models in, deterministic bytes out."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, TypeAlias
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Parameters, Timezone, vText, vUri

from coordinator.errors import CoordinatorError

Language: TypeAlias = Literal["zh", "en"]

PRODID = "-//coordinator//Dual-teacher live classes//ZH"
REFRESH_INTERVAL = dt.timedelta(hours=1)
PUBLISHED_TTL = "PT1H"
CANCELLED_PREFIX: dict[Language, str] = {"zh": "【已取消】", "en": "[Cancelled] "}
LINK_LABEL: dict[Language, str] = {"zh": "直播链接", "en": "Live stream"}
CONFERENCE_FEATURES = ("AUDIO", "VIDEO")
# Control characters, bidi overrides and isolates, zero-width characters and lone surrogates:
# dropped from every text a feed carries (the bundle refuses them; older data may hold them).
_HIDDEN = "\x7f-\x9f\u200b-\u200d\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff"
_INVISIBLE = re.compile(f"[\x00-\x08\x0b-\x1f{_HIDDEN}]")
_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029\x85]")
_URI_UNSAFE = re.compile(f"[\x00-\x20{_HIDDEN}]")


class FeedError(CoordinatorError):
    """A feed item cannot be written as given."""


class LessonStatus(StrEnum):
    """A dated lesson's (or event's) status, as the feeds show it."""

    SCHEDULED = "scheduled"
    MOVED = "moved"
    CANCELLED = "cancelled"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """The calendar itself: its name, language and an optional stable UID (RFC 7986)."""

    name: str
    language: Language = "zh"
    description: str = ""
    uid: str = ""


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One VEVENT: a dated lesson or event as one subscriber sees it."""

    uid: str
    summary: str
    start: dt.datetime  # UTC-aware
    end: dt.datetime  # UTC-aware
    last_modified: dt.datetime  # UTC-aware: the item's own last change
    tzid: str = "Asia/Shanghai"  # the zone the times are shown in
    status: LessonStatus = LessonStatus.SCHEDULED
    sequence: int = 0  # the revision
    description: str = ""
    url: str = ""  # the stream link
    link_label: str = ""  # defaults to LINK_LABEL of the feed's language
    location: str = ""
    categories: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("start", "end", "last_modified"):
            value: dt.datetime = getattr(self, name)
            if value.utcoffset() is None:
                raise FeedError(f"feed item {self.uid}: {name} must be timezone-aware")
        if self.end <= self.start:
            raise FeedError(f"feed item {self.uid}: end {self.end} is not after {self.start}")


def build_feed(feed: FeedSpec, items: Sequence[FeedItem]) -> bytes:
    """The feed as UTF-8 bytes, CRLF lines folded at 75 octets; same inputs, same bytes.

    Nothing depends on "now" or chance: no random calendar UID, DTSTAMP from each item's own
    last change, items sorted, VTIMEZONEs only for the items' dates. Cancelled items keep
    their place with STATUS:CANCELLED and a title prefix: Google hides them, Apple drops
    removed events, so the prefix is what most people see.
    """
    calendar = calendar_head(feed)
    ordered = sorted(items, key=lambda item: (item.start, item.uid))
    _check_unique(ordered)
    events = [vevent(item, feed.language) for item in ordered]
    for timezone in timezones_for(ordered, events):
        calendar.add_component(timezone)
    for event in events:
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def calendar_head(feed: FeedSpec) -> Calendar:
    """The VCALENDAR's own properties (not `Calendar.new()`, which adds a random UID)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if feed.uid:
        calendar.add("uid", feed.uid)
    # vText explicitly: icalendar leaves NAME and X- properties unescaped otherwise.
    calendar.add("name", vText(one_line(feed.name)))
    calendar.add("x-wr-calname", vText(one_line(feed.name)))
    if feed.description:
        calendar.add("description", vText(clean(feed.description)))
        calendar.add("x-wr-caldesc", vText(clean(feed.description)))
    # icalendar writes neither VALUE=DURATION nor a valid TTL by itself.
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", PUBLISHED_TTL)
    return calendar


def vevent(item: FeedItem, language: Language) -> Event:
    """The VEVENT of one item; the link goes in CONFERENCE, URL and DESCRIPTION."""
    zone = ZoneInfo(item.tzid)
    cancelled = item.status is LessonStatus.CANCELLED
    event = Event()
    event.add("uid", vText(one_line(item.uid)))
    event.add("dtstamp", _utc(item.last_modified))
    event.add("last-modified", _utc(item.last_modified))
    event.add("sequence", item.sequence)
    event.add("dtstart", item.start.astimezone(zone))
    event.add("dtend", item.end.astimezone(zone))
    prefix = CANCELLED_PREFIX[language] if cancelled else ""
    event.add("summary", vText(prefix + one_line(item.summary)))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    label = item.link_label or LINK_LABEL[language]
    url = safe_uri(item.url)
    description = with_link(clean(item.description), url, one_line(label), language)
    if description:
        event.add("description", vText(description))
    if item.location:
        event.add("location", vText(one_line(item.location)))
    if item.categories:
        event.add("categories", [one_line(c) for c in item.categories])
    if url:
        event.add("url", vUri(url))
        parameters = Parameters(
            VALUE="URI", FEATURE=list(CONFERENCE_FEATURES), LABEL=one_line(label)
        )
        event.add("conference", vUri(url), parameters=parameters)
    return event


def timezones_for(items: Sequence[FeedItem], events: Sequence[Event]) -> list[Timezone]:
    """One VTIMEZONE per TZID the events use, covering only their items' dates (plus a day).

    UTC times are written with a Z and need none.
    """
    spans: dict[str, tuple[dt.date, dt.date]] = {}
    for item, event in zip(items, events, strict=True):
        if "TZID" not in event["DTSTART"].params:
            continue
        zone = ZoneInfo(item.tzid)
        first = item.start.astimezone(zone).date()
        last = item.end.astimezone(zone).date()
        known = spans.get(item.tzid)
        spans[item.tzid] = (min(first, known[0]), max(last, known[1])) if known else (first, last)
    day = dt.timedelta(days=1)
    return [vtimezone(tzid, start - day, end + day) for tzid, (start, end) in sorted(spans.items())]


@functools.lru_cache(maxsize=1024)
def vtimezone(tzid: str, first: dt.date, last: dt.date) -> Timezone:
    """The VTIMEZONE of `tzid` from `first` to `last`, made once and shared by every feed
    (never changed after it is made): icalendar derives it by stepping through the span,
    15-20 ms for Asia/Shanghai, a third of building a whole feed."""
    timezone = Timezone.from_tzid(tzid, first_date=first, last_date=last)
    timezone.pop("COMMENT", None)  # libical rejects COMMENT in VTIMEZONE
    return timezone


def with_link(description: str, url: str, label: str, language: Language) -> str:
    """`description` ending with the link, unless it already carries it."""
    if not url or url in description:
        return description
    colon = "：" if language == "zh" else ": "
    line = f"{label}{colon}{url}"
    return f"{description}\n\n{line}" if description else line


def language_of(code: str) -> Language:
    """The feed language for a user's language code: English for en*, else Chinese."""
    return "en" if code.strip().lower().startswith("en") else "zh"


def clean(text: str) -> str:
    """Text without control, bidi and zero-width characters or lone surrogates (newlines
    kept, as `\n`), which break strict parsers or hide what a line says."""
    text = _LINE_BREAKS.sub("\n", text).replace("\t", " ")
    return _INVISIBLE.sub("", text)


def one_line(text: str) -> str:
    """`clean` text on one line: a title, a name or a parameter value never breaks a line."""
    return " ".join(part.strip() for part in clean(text).split("\n") if part.strip())


def safe_uri(url: str) -> str:
    """The link without whitespace, control or invisible characters (none belong in a URI)."""
    return _URI_UNSAFE.sub("", url)


def _check_unique(items: Sequence[FeedItem]) -> None:
    seen: set[str] = set()
    for item in items:
        if item.uid in seen:
            raise FeedError(f"feed item {item.uid}: the UID appears twice in one feed")
        seen.add(item.uid)


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)
