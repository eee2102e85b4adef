"""Subscription feeds: one per teacher, classroom, assistant, school, alliance and region.

A feed is rebuilt only when something it depends on changed: every change bumps the `feeds`
change counter, and a web worker keeps its rendered feeds until the counter moves (it asks at
most every `feeds.counter_ttl_s` seconds) or the date rolls over. Clients poll all day; an
unchanged feed costs a dictionary lookup.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TypeAlias
from zoneinfo import ZoneInfo

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import domain, models
from coordinator.calendar import (
    FeedItem,
    FeedSpec,
    LessonStatus,
    build_feed,
    date_event,
    event_item,
    event_text,
    feed_window,
    select_items,
)
from coordinator.calendar.feed import Language
from coordinator.calendar.window import FeedWindow
from coordinator.services.counters import FEEDS
from coordinator.services.data.directory import Directory
from coordinator.services.data.imports import load_bundle
from coordinator.services.feeds.departures import Departures, departed_item, recent_departures
from coordinator.services.feeds.items import CLASSROOM_VIEW, owner_lesson_item
from coordinator.services.feeds.tokens import FeedOwner, resolve_token, token_hash
from coordinator.services.lessons.audiences import dated_audience_events
from coordinator.services.lessons.classrooms import classrooms_by_lesson
from coordinator.services.streaming.links import links_of
from coordinator.services.streaming.meetings import platform_meetings
from coordinator.services.streaming.page_links import classroom_join_link, teacher_join_link
from coordinator.services.streaming.providers import ProviderEpoch, provider_epochs
from coordinator.store import Store
from coordinator.streams import LessonLinks, StreamsSettings

KEEP_CANCELLED = dt.timedelta(days=14)
MINUTE = dt.timedelta(minutes=1)

TeacherLink: TypeAlias = Callable[[LessonLinks | None], str]  # what a teacher's event links to
ClassroomLink: TypeAlias = Callable[[LessonLinks | None, str], str]  # and a classroom's


@dataclass(frozen=True, slots=True)
class RenderedFeed:
    owner: FeedOwner
    name: str
    body: bytes
    etag: str  # strong, quoted
    last_modified: dt.datetime  # whole seconds, UTC
    filename: str = "coordinator.ics"  # what a download is saved as: 王丽-课表.ics


def feed_filename(directory: Directory, owner: FeedOwner, language: Language) -> str:
    """The owner's name and what the file is: 王丽-课表.ics, or 王丽-timetable.ics in English."""
    return f"{directory.owner_name(owner)}-{'timetable' if language == 'en' else '课表'}.ics"


def feed_name(directory: Directory, owner: FeedOwner, language: Language) -> str:
    who = directory.owner_name(owner)
    if language == "en":
        return f"{who} · live lessons"
    suffix = "助教课表" if owner.kind == "assistant" else "双师课堂"
    return f"{who} · {suffix}"


async def _lessons_for(
    session: AsyncSession,
    directory: Directory,
    owner: FeedOwner,
    window: FeedWindow,
    now: dt.datetime,
) -> tuple[list[models.LessonRow], dict[str, list[str]], Departures]:
    """The owner's lessons, and those its classrooms recently left (shown as cancelled)."""
    teachers = directory.teachers_of(owner)
    classrooms = directory.classrooms_of(owner)
    in_rooms = select(models.LessonClassroomRow.lesson_key).where(
        col(models.LessonClassroomRow.classroom_id).in_(classrooms)
    )
    recent = now - KEEP_CANCELLED
    departures = await recent_departures(session, classrooms, first=window.first, since=recent)
    query = select(models.LessonRow).where(
        or_(
            col(models.LessonRow.teacher_id).in_(teachers),
            col(models.LessonRow.key).in_(in_rooms),
            col(models.LessonRow.key).in_(list(departures)),
        ),
        col(models.LessonRow.date) <= window.last,
        or_(
            col(models.LessonRow.date) >= window.first,
            col(models.LessonRow.cancelled_at) >= recent,
            col(models.LessonRow.key).in_(list(departures)),
        ),
    )
    lessons = list((await session.exec(query)).all())
    rooms = await classrooms_by_lesson(session, lessons)
    return lessons, rooms, departures


def _owner_items(
    directory: Directory,
    owner: FeedOwner,
    lessons: list[models.LessonRow],
    rooms: dict[str, list[str]],
    departures: Departures,
    language: Language,
    streams: StreamsSettings,
    epochs: dict[str, ProviderEpoch],
    meetings: Mapping[str, models.PlatformMeetingRow],
    teacher_link: TeacherLink = teacher_join_link,
    classroom_link: ClassroomLink = classroom_join_link,
) -> list[FeedItem]:
    """Each lesson as the owner sees it; one only a departed classroom of the owner's had is
    shown cancelled (【已取消】) for `KEEP_CANCELLED`, as a cancelled lesson is. The SEQUENCE
    adds the epoch of the teacher's school's stream provider: a new provider, new links."""
    teachers, classrooms = directory.teachers_of(owner), directory.classrooms_of(owner)
    items = []
    for lesson in lessons:
        current = rooms[lesson.key]
        left = {r: t for r, t in departures.get(lesson.key, {}).items() if r not in current}
        if left and lesson.teacher_id not in teachers and not classrooms & set(current):
            item = departed_item(directory, owner, lesson, left, language)
        else:
            item = _lesson_item(
                directory,
                owner,
                lesson,
                current,
                language,
                streams,
                meetings.get(lesson.key),
                teacher_link,
                classroom_link,
            )
        epoch = epochs.get(_school_of(directory, lesson), ProviderEpoch())
        changed = max(item.last_modified, epoch.changed_at or item.last_modified)
        sequence = item.sequence + epoch.epoch
        if lesson.key in meetings:  # the platform made the meeting: its join link came
            sequence += 1
            changed = max(changed, meetings[lesson.key].created_at)
        items.append(replace(item, sequence=sequence, last_modified=changed))
    return items


def _school_of(directory: Directory, lesson: models.LessonRow) -> str:
    teacher = directory.teachers.get(lesson.teacher_id)
    return teacher.school_id if teacher else ""


def _lesson_item(
    directory: Directory,
    owner: FeedOwner,
    lesson: models.LessonRow,
    rooms: list[str],
    language: Language,
    streams: StreamsSettings,
    meeting: models.PlatformMeetingRow | None = None,
    teacher_link: TeacherLink = teacher_join_link,
    classroom_link: ClassroomLink = classroom_join_link,
) -> FeedItem:
    room_ids = sorted(rooms) or sorted(directory.classrooms_of(owner))[:1]
    links = links_of(streams, lesson, rooms, directory, meeting)
    if owner.kind in CLASSROOM_VIEW:
        mine = [r for r in room_ids if r in directory.classrooms_of(owner)] or room_ids
        room, link = mine[0], classroom_link(links, mine[0])
    else:
        room, link = "", teacher_link(links) if owner.kind == "teacher" else ""
    return owner_lesson_item(
        directory,
        owner,
        lesson,
        room_ids=room_ids,
        room=room,
        link=link,
        language=language,
        status=LessonStatus(lesson.status),
        last_modified=lesson.changed_at,
    )


def _event_items(
    directory: Directory,
    owner: FeedOwner,
    changed: dict[str, tuple[dt.datetime, int]],
    language: Language,
    events: Iterable[domain.Event],
) -> list[FeedItem]:
    """The events the owner sees; `changed` holds each event's last change and revision."""
    schools = directory.schools_of(owner)
    classrooms = directory.classrooms_of(owner)
    items = []
    for event in events:
        audience = {
            "school": {event.audience_id},
            "alliance": directory.alliance_schools.get(event.audience_id, set()),
            "region": {s.id for s in directory.bundle.schools if s.region_id == event.audience_id},
        }.get(event.audience_kind.value, set())
        hosted = owner.kind == "teacher" and event.host_teacher_id == owner.id
        if not (hosted or audience & schools or event.audience_id in classrooms):
            continue
        host = (
            directory.teachers[event.host_teacher_id].name
            if event.host_teacher_id in directory.teachers
            else event.host_name
        )
        text = event_text(
            kind=event.kind, title=event.title, host=host, link=event.link, language=language
        )
        last_modified, revision = changed[event.id]
        item = event_item(date_event(event), text, last_modified=last_modified, revision=revision)
        items.append(item)
    return items


async def render_feed(
    store: Store,
    directory: Directory,
    owner: FeedOwner,
    language: Language,
    *,
    now: dt.datetime,
    today: dt.date,
    streams: StreamsSettings,
    teacher_link: TeacherLink = teacher_join_link,
    classroom_link: ClassroomLink = classroom_join_link,
) -> RenderedFeed:
    """Build the feed's bytes and keep its Last-Modified moving forward only."""
    window = feed_window(today, max((t.end for t in directory.bundle.terms), default=None))
    async with store.read() as session:
        lessons, rooms, departures = await _lessons_for(session, directory, owner, window, now)
        meetings = await platform_meetings(session, [lesson.key for lesson in lessons])
        changed = {
            e.id: (e.updated_at or now, e.revision)
            for e in (
                await session.exec(
                    select(models.EventRow).where(col(models.EventRow.retired_at).is_(None))
                )
            ).all()
        }
        seen = (directory.schools_of(owner), directory.classrooms_of(owner))
        joined = await dated_audience_events(session, directory.bundle, seen, language=language)
    changed |= {event.id: (at, 0) for event, at in joined}
    schools = {_school_of(directory, lesson) for lesson in lessons} - {""}
    epochs = await provider_epochs(store, streams, schools, now=now)
    items = _owner_items(
        directory,
        owner,
        lessons,
        rooms,
        departures,
        language,
        streams,
        epochs,
        meetings,
        teacher_link,
        classroom_link,
    )
    events = (*directory.bundle.events, *(event for event, _ in joined))
    items += _event_items(directory, owner, changed, language, events)
    items = select_items(items, window, now)
    name = feed_name(directory, owner, language)
    filename = feed_filename(directory, owner, language)
    body = build_feed(FeedSpec(name=name, language=language), items)
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    newest = max((item.last_modified for item in items), default=now)
    async with store.read() as session:
        state = await session.get(models.FeedStateRow, (owner.kind, owner.id, language))
    if state is not None and state.etag == etag:
        # The same bytes as last time (another worker, a restart): nothing to write, so
        # polling never waits for the database's write lock.
        return RenderedFeed(owner, name, body, etag, state.last_modified, filename)
    async with store.write() as session:
        last_modified = await _advance_state(session, owner, language, etag, newest, now)
    return RenderedFeed(owner, name, body, etag, last_modified, filename)


async def _advance_state(
    session: AsyncSession,
    owner: FeedOwner,
    language: str,
    etag: str,
    newest: dt.datetime,
    now: dt.datetime,
) -> dt.datetime:
    """The feed's Last-Modified: unchanged bytes keep it; changed bytes move it forward."""
    state = await session.get(models.FeedStateRow, (owner.kind, owner.id, language))
    newest = newest.replace(microsecond=0)
    if state is None:
        session.add(
            models.FeedStateRow(
                owner_kind=owner.kind,
                owner_id=owner.id,
                language=language,
                etag=etag,
                last_modified=newest,
            )
        )
        return newest
    if state.etag == etag:
        return state.last_modified
    moved = max(newest, now.replace(microsecond=0)) if newest <= state.last_modified else newest
    state.etag, state.last_modified = etag, max(moved, state.last_modified)
    session.add(state)
    return state.last_modified


@dataclass(slots=True)
class FeedCache:
    """Rendered feeds of one web worker, valid for one value of the change counter and day."""

    store: Store
    streams: StreamsSettings
    time_zone: str = "Asia/Shanghai"
    counter_ttl_s: float = 1.0
    _generation: int = -1
    _checked: float = float("-inf")
    _directory: Directory | None = None
    _feeds: dict[str, tuple[dt.date, RenderedFeed]] = field(default_factory=dict)
    _today_until: tuple[dt.datetime, dt.date] | None = None
    renders: int = 0  # feeds built since start (the rest were served from the cache)
    teacher_link: TeacherLink = teacher_join_link  # the app gives the signed go-live page
    classroom_link: ClassroomLink = classroom_join_link  # and the signed watch page

    async def generation(self) -> int:
        """The change counter, asked at most every `counter_ttl_s` and by one request at a
        time: the others meanwhile go on with the value they have (it is that old anyway)."""
        if time.monotonic() - self._checked >= self.counter_ttl_s:
            self._checked = time.monotonic()
            try:
                async with self.store.read() as session:
                    counter = await session.get(models.ChangeCounterRow, FEEDS)
            except BaseException:
                self._checked = float("-inf")  # the next request asks again
                raise
            value = counter.value if counter else 0
            if value != self._generation:
                self._generation, self._directory, self._feeds = value, None, {}
        return self._generation

    def _today(self, now: dt.datetime) -> dt.date:
        """The schools' date, recomputed at most once a minute (it is asked on every hit)."""
        if self._today_until is None or now >= self._today_until[0]:
            today = now.astimezone(ZoneInfo(self.time_zone)).date()
            self._today_until = (now.replace(second=0, microsecond=0) + MINUTE, today)
        return self._today_until[1]

    def invalidate(self) -> None:
        self._checked = float("-inf")

    async def feed(self, token: str, *, now: dt.datetime) -> RenderedFeed | None:
        """The feed a token opens, or None for an unknown or revoked token."""
        generation = await self.generation()
        today = self._today(now)
        key = token_hash(token)
        cached = self._feeds.get(key)
        if cached is not None and cached[0] == today:
            return cached[1]
        async with self.store.read() as session:
            row = await resolve_token(session, token)
        if row is None:
            return None
        directory = await self._directory_now()
        owner = FeedOwner(row.owner_kind, row.owner_id)
        if not directory.exists(owner):
            return None
        language: Language = "en" if row.language == "en" else "zh"
        rendered = await render_feed(
            self.store,
            directory,
            owner,
            language,
            now=now,
            today=today,
            streams=self.streams,
            teacher_link=self.teacher_link,
            classroom_link=self.classroom_link,
        )
        if self._generation == generation:  # else the data moved on while rendering
            self._feeds[key] = (today, rendered)
        self.renders += 1
        return rendered

    async def _directory_now(self) -> Directory:
        if self._directory is None:
            self._directory = Directory.of(await load_bundle(self.store))
        return self._directory
