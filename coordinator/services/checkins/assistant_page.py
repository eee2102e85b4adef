"""The assistant's phone page: their classrooms' lessons this week, in the school's clock."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from coordinator import models
from coordinator.domain import DEFAULT_TIME_ZONE
from coordinator.services.checkins import AssistantLesson, assistant_lessons
from coordinator.services.data.directory import Directory
from coordinator.services.streaming.links import classroom_url, links_of
from coordinator.services.streaming.meetings import platform_meetings
from coordinator.services.streaming.watch import watch_path
from coordinator.store import Store
from coordinator.streams import StreamsSettings
from coordinator.streams.watch import WatchSigner

WEEK_DAYS = 7  # today and the six days after


@dataclass(frozen=True, slots=True)
class LessonCard:
    """One lesson in one of the assistant's classrooms, as the phone shows it."""

    lesson_key: str
    classroom_id: str
    classroom_name: str
    students: int
    start: dt.datetime  # in the school's zone
    end: dt.datetime
    subject: str
    teacher: str
    status: str
    link: str
    reported: tuple[str, ...]  # kinds already stored: check_in, end_report, problem

    @property
    def checked_in(self) -> bool:
        return "check_in" in self.reported

    @property
    def ended(self) -> bool:
        return "end_report" in self.reported


@dataclass(frozen=True, slots=True)
class AssistantDay:
    date: dt.date
    cards: tuple[LessonCard, ...]


@dataclass(frozen=True, slots=True)
class AssistantWeek:
    assistant_id: str
    time_zone: str
    today: dt.date
    days: tuple[AssistantDay, ...]  # today first; days without lessons left out

    @property
    def today_cards(self) -> tuple[LessonCard, ...]:
        return next((day.cards for day in self.days if day.date == self.today), ())

    @property
    def later_days(self) -> tuple[AssistantDay, ...]:
        return tuple(day for day in self.days if day.date != self.today)


async def assistant_week(
    store: Store,
    directory: Directory,
    streams: StreamsSettings,
    *,
    assistant_id: str,
    now: dt.datetime,
    language: str,
    signer: WatchSigner | None = None,
) -> AssistantWeek:
    """The assistant's own classrooms' lessons from today (school clock) for a week."""
    zone_name = _zone_of(directory, assistant_id)
    today = now.astimezone(ZoneInfo(zone_name)).date()
    last = today + dt.timedelta(days=WEEK_DAYS - 1)
    zone_name, lessons = await assistant_lessons(
        store, assistant_id=assistant_id, first=today, last=last
    )
    zone = ZoneInfo(zone_name)
    rows, meetings = await _lesson_rows(store, [lesson.key for lesson in lessons])
    cards: dict[dt.date, list[LessonCard]] = {}
    for lesson in lessons:
        for classroom_id in lesson.classroom_ids:
            row = rows.get(lesson.key)
            card = _card(lesson, classroom_id, row, directory, streams, language, meetings, signer)
            local = _in_zone(card, zone)
            cards.setdefault(local.start.date(), []).append(local)
    days = tuple(AssistantDay(day, tuple(cards[day])) for day in sorted(cards))
    return AssistantWeek(assistant_id, zone_name, today, days)


def _zone_of(directory: Directory, assistant_id: str) -> str:
    assistant = directory.assistants.get(assistant_id)
    school = directory.schools.get(assistant.school_id) if assistant else None
    return school.time_zone if school else DEFAULT_TIME_ZONE


async def _lesson_rows(
    store: Store, keys: list[str]
) -> tuple[dict[str, models.LessonRow], dict[str, models.PlatformMeetingRow]]:
    """The lessons' rows, and the meetings platforms made for them (their join links)."""
    if not keys:
        return {}, {}
    async with store.read() as session:
        query = select(models.LessonRow).where(col(models.LessonRow.key).in_(keys))
        rows = {row.key: row for row in (await session.exec(query)).all()}
        return rows, await platform_meetings(session, keys)


def _card(
    lesson: AssistantLesson,
    classroom_id: str,
    row: models.LessonRow | None,
    directory: Directory,
    streams: StreamsSettings,
    language: str,
    meetings: dict[str, models.PlatformMeetingRow],
    signer: WatchSigner | None,
) -> LessonCard:
    classroom = directory.classrooms.get(classroom_id)
    meeting = meetings.get(lesson.key)
    links = links_of(streams, row, lesson.classroom_ids, directory, meeting) if row else None
    subject = lesson.subject["name_en" if language == "en" else "name_zh"] or lesson.subject["id"]
    return LessonCard(
        lesson_key=lesson.key,
        classroom_id=classroom_id,
        classroom_name=classroom.name if classroom else classroom_id,
        students=classroom.students if classroom else 0,
        start=lesson.start,
        end=lesson.end,
        subject=subject,
        teacher=lesson.teacher["name"],
        status=lesson.status,
        link=(signer and watch_path(signer, links, classroom_id))
        or classroom_url(links, classroom_id),
        reported=tuple(sorted(set(lesson.reported.get(classroom_id, [])))),
    )


def _in_zone(card: LessonCard, zone: ZoneInfo) -> LessonCard:
    return dataclasses.replace(
        card, start=card.start.astimezone(zone), end=card.end.astimezone(zone)
    )
