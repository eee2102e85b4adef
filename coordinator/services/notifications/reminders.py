"""Reminders before a lesson and change notices after a late change, to teacher and assistants.

A reminder goes N minutes before the start (or at once, if the lesson changed after that),
to the network teacher with the teacher's link and to each classroom's assistant with the
classroom's link. A change (a new revision, or a cancellation) made within the horizon before
the start goes out at once to the same people. Both are idempotent per lesson revision.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import quote

from sqlalchemy import ColumnElement, or_
from sqlmodel import col, func, select

from coordinator import domain, models
from coordinator.errors import CoordinatorError
from coordinator.notify import messages
from coordinator.notify.messages import Language, LessonFacts, Message
from coordinator.services.counters import FEEDS
from coordinator.services.data.directory import Directory
from coordinator.services.lessons.classrooms import classrooms_by_lesson
from coordinator.services.notifications.announced import announced_before
from coordinator.services.notifications.audience_choices import (
    RegionChoices,
    audience_in,
    classroom_region,
    teacher_region,
)
from coordinator.services.notifications.merging import merge_by_person
from coordinator.services.notifications.outbox import Person, enqueue, outgoing, person_routes
from coordinator.services.streaming.links import links_of
from coordinator.services.streaming.page_links import JOIN_ONLY, PageLinks
from coordinator.settings.notifications import Audience, MessageKind, NotificationSettings
from coordinator.store import Store
from coordinator.streams import LessonLinks, StreamsSettings

log = logging.getLogger(__name__)

JobKind = Literal["reminder", "checkin", "escalate", "live", "room", "evidence"]
# facts, time zone, room, link, the reader's language
Compose = Callable[[LessonFacts, str, str, str, Language], Message]


@dataclass(frozen=True, slots=True)
class AdminPerson:
    """An admin with contacts on their account, and the school and region ids they look after."""

    person: Person
    scopes: frozenset[str]


@dataclass(frozen=True, slots=True)
class Notifier:
    """The settings notification services read, the admins who can be reached, and what
    messages link to: the signed go-live and watch pages (the worker passes them); without,
    meeting join links only."""

    settings: NotificationSettings
    streams: StreamsSettings
    admins: tuple[AdminPerson, ...] = ()
    pages: PageLinks = JOIN_ONLY
    choices: RegionChoices = field(default_factory=dict)  # region admins' choices of who gets what

    def audience(self, kind: MessageKind, regions: set[str]) -> tuple[Audience, ...]:
        """Who gets `kind` for people of these regions (a region's choice, else the setting)."""
        return audience_in(self.settings, self.choices, kind, regions)

    def admins_of(self, scopes: set[str]) -> list[Person]:
        """The admins looking after any of these schools or regions."""
        return [admin.person for admin in self.admins if admin.scopes & scopes]


def lesson_scopes(directory: Directory, context: LessonContext) -> set[str]:
    """The schools a lesson touches (its teacher's and its classrooms') and their regions."""
    teacher = directory.teachers.get(context.lesson.teacher_id)
    schools = {
        directory.classrooms[r].school_id for r in context.rooms if r in directory.classrooms
    }
    schools |= {teacher.school_id} if teacher else set()
    regions = {directory.schools[s].region_id for s in schools if s in directory.schools}
    return schools | regions


@dataclass(frozen=True, slots=True)
class LessonContext:
    lesson: models.LessonRow
    rooms: tuple[str, ...]  # classroom ids
    meeting: models.PlatformMeetingRow | None = None  # the meeting a platform made for it


@dataclass(frozen=True, slots=True)
class PlannedJob:
    """One timed job of one lesson revision; the id is what the scheduler knows it by."""

    kind: JobKind
    lesson_key: str
    revision: int
    run_at: dt.datetime

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.lesson_key}:{self.revision}"


async def change_generation(store: Store) -> int:
    """The `feeds` change counter: it moves on every change of lessons, people or names."""
    async with store.read() as session:
        counter = await session.get(models.ChangeCounterRow, FEEDS)
    return counter.value if counter else 0


async def load_lessons(store: Store, *conditions: ColumnElement[bool]) -> list[LessonContext]:
    """Lessons matching the SQL conditions, each with its classrooms."""
    meeting = models.PlatformMeetingRow
    async with store.read() as session:
        lessons = list((await session.exec(select(models.LessonRow).where(*conditions))).all())
        rooms = await classrooms_by_lesson(session, lessons)
        keys = [lesson.key for lesson in lessons]
        made = select(meeting).where(col(meeting.lesson_key).in_(keys))
        meetings = {row.lesson_key: row for row in (await session.exec(made)).all()}
    return [
        LessonContext(lesson, tuple(rooms[lesson.key]), meetings.get(lesson.key))
        for lesson in lessons
    ]


async def lesson_context(store: Store, key: str, revision: int) -> LessonContext | None:
    """The lesson as it is now, or None when it is gone, cancelled or at another revision."""
    found = await load_lessons(store, col(models.LessonRow.key) == key)
    if not found or found[0].lesson.revision != revision or found[0].lesson.status == "cancelled":
        log.info("lesson %s revision %d is stale or cancelled: nothing to do", key, revision)
        return None
    return found[0]


def page_of(settings: NotificationSettings, lesson_key: str) -> str:
    """The lesson's page on the server, when its public address is set."""
    if not settings.public_url:
        return ""
    return f"{settings.public_url.rstrip('/')}/lessons/{quote(lesson_key, safe='@')}"


def contact_of(person: domain.NetworkTeacher | domain.Assistant) -> tuple[str, str, str, str]:
    """WeCom and DingTalk ids, preferred channel and quiet hours, as the bundle gives them."""
    return (
        person.wecom_userid,
        person.dingtalk_userid,
        person.preferred_channel,
        person.quiet_hours,
    )


def teacher_person(directory: Directory, teacher_id: str) -> Person | None:
    teacher = directory.teachers.get(teacher_id)
    if teacher is None:
        return None
    school = directory.schools[teacher.school_id]
    return Person(
        "teacher",
        teacher.id,
        teacher.name,
        teacher.phone,
        teacher.email,
        teacher.school_id,
        school.region_id,
        *contact_of(teacher),
        time_zone=school.time_zone,
        language=teacher.language,
    )


def assistant_person(directory: Directory, classroom_id: str) -> Person | None:
    classroom = directory.classrooms.get(classroom_id)
    assistant = directory.assistants.get(classroom.assistant_id) if classroom else None
    if assistant is None:
        return None
    school = directory.schools[assistant.school_id]
    return Person(
        "assistant",
        assistant.id,
        assistant.name,
        assistant.phone,
        assistant.email,
        assistant.school_id,
        school.region_id,
        *contact_of(assistant),
        time_zone=school.time_zone,
        language=assistant.language,
    )


def time_zone_of_classroom(directory: Directory, classroom_id: str, default: str) -> str:
    classroom = directory.classrooms.get(classroom_id)
    return directory.schools[classroom.school_id].time_zone if classroom else default


def facts_of(directory: Directory, context: LessonContext, language: str) -> LessonFacts:
    lesson = context.lesson
    teacher = directory.teachers.get(lesson.teacher_id)
    return LessonFacts(
        key=lesson.key,
        revision=lesson.revision,
        status=lesson.status,
        subject=directory.subject_name(lesson.subject_id, language),
        teacher=teacher.name if teacher else lesson.teacher_id,
        teacher_phone=teacher.phone if teacher else "",
        start=lesson.start,
        end=lesson.end,
        rooms=tuple(directory.owner_name_of_classroom(room) for room in context.rooms),
    )


def safe_links(
    streams: StreamsSettings, context: LessonContext, directory: Directory
) -> LessonLinks | None:
    """The lesson's links; a lesson the provider refuses still gets its messages, without."""
    try:
        return links_of(streams, context.lesson, context.rooms, directory, context.meeting)
    except CoordinatorError as error:
        log.warning("no links for lesson %s: %s", context.lesson.key, error)
        return None


def messages_for(
    purpose: str,
    context: LessonContext,
    directory: Directory,
    notifier: Notifier,
    compose: Compose,
    now: dt.datetime,
) -> list[models.NotificationRow]:
    """The teacher's message with the go-live page, each assistant's with their room's watch
    page (or the meeting's join link), never the push key nor a bare stream; and the admins'
    (without a link) — those the settings' `audiences` name."""
    lesson, settings = context.lesson, notifier.settings
    kind: MessageKind = "reminder" if purpose.startswith("reminder:") else "change"
    links = safe_links(notifier.streams, context, directory)
    facts = {language: facts_of(directory, context, language) for language in ("zh", "en")}
    wanted: list[tuple[Person | None, str, str, str]] = []
    if "teacher" in notifier.audience(kind, teacher_region(directory, lesson.teacher_id)):
        teacher = teacher_person(directory, lesson.teacher_id)
        wanted.append((teacher, lesson.time_zone, "", notifier.pages.teacher(links)))
    for room in context.rooms:
        if "assistant" not in notifier.audience(kind, classroom_region(directory, room)):
            continue
        zone = time_zone_of_classroom(directory, room, lesson.time_zone)
        link = notifier.pages.classroom(links, room)
        wanted.append((assistant_person(directory, room), zone, room, link))
    scopes = lesson_scopes(directory, context)
    if "admin" in notifier.audience(kind, scopes & set(directory.regions)):
        wanted += [(admin, lesson.time_zone, "", "") for admin in notifier.admins_of(scopes)]
    rows: list[models.NotificationRow] = []
    for person, zone, room_id, link in wanted:
        if person is None:
            continue
        room = directory.owner_name_of_classroom(room_id) if room_id else ""
        language: Language = "en" if (person.language or settings.language) == "en" else "zh"
        message = compose(facts[language], zone, room, link, language)
        routes = person_routes(settings, person, message.kind, now)
        who = f"{purpose}:{person.recipient}" + (f":{room_id}" if room_id else "")
        rows += outgoing(
            who, message, routes, recipient=person.recipient, lesson_key=lesson.key, now=now
        )
    return rows


async def send_reminders(
    store: Store,
    notifier: Notifier,
    directory: Directory,
    *,
    lesson_key: str,
    revision: int,
    now: dt.datetime,
) -> int:
    """Queue the reminders of one lesson revision; the number of new messages."""
    context = await lesson_context(store, lesson_key, revision)
    if context is None or context.lesson.start <= now:
        return 0
    settings = notifier.settings

    def compose(facts: LessonFacts, zone: str, room: str, link: str, language: Language) -> Message:
        minutes = max(0, round((facts.start - now).total_seconds() / 60))
        minutes = min(minutes, settings.reminder_minutes) if settings.reminder_minutes else minutes
        return messages.reminder(
            facts,
            time_zone=zone,
            room=room,
            link=link,
            minutes=minutes,
            language=language,
            page=page_of(settings, facts.key),
        )

    purpose = f"reminder:{lesson_key}:{revision}"
    return await enqueue(store, messages_for(purpose, context, directory, notifier, compose, now))


async def send_change_notices(
    store: Store, notifier: Notifier, directory: Directory, *, now: dt.datetime
) -> int:
    """Queue a notice for every upcoming lesson changed within the horizon before its start.

    A lesson is changed when its revision went up, or when a later timetable version than
    the first added it (a rebalance, a new solve): the first publish announces nothing.
    """
    settings = notifier.settings
    horizon = dt.timedelta(hours=settings.change_horizon_hours)
    table = models.LessonRow
    first_version = select(func.min(models.TimetableVersionRow.id)).scalar_subquery()
    changed = await load_lessons(
        store,
        or_(col(table.revision) > 0, col(table.version_id) > first_version),
        col(table.start) > now,
        col(table.changed_at) >= now - horizon,
    )

    befores = await announced_before(store, [context.lesson for context in changed])

    def compose(facts: LessonFacts, zone: str, room: str, link: str, language: Language) -> Message:
        note = befores.get(facts.key)
        before = None
        if note is not None:
            teacher = directory.teachers.get(note.teacher_id)
            before = messages.Before(note.start, teacher.name if teacher else "")
        return messages.change_notice(
            facts,
            time_zone=zone,
            room=room,
            link=link,
            language=language,
            page=page_of(settings, facts.key),
            before=before,
        )

    rows: list[models.NotificationRow] = []
    changed_at: dict[str, dt.datetime] = {}
    for context in sorted(changed, key=lambda c: (c.lesson.start, c.lesson.key)):
        lesson = context.lesson
        if lesson.start - lesson.changed_at <= horizon:
            purpose = f"change:{lesson.key}:{lesson.revision}"
            rows += messages_for(purpose, context, directory, notifier, compose, now)
            changed_at[lesson.key] = lesson.changed_at
    return await enqueue(store, merge_by_person(rows, changed_at))


async def upcoming_lessons(
    store: Store, notifier: Notifier, now: dt.datetime
) -> list[LessonContext]:
    """Lessons not cancelled whose jobs may still be due: recently started up to the horizon."""
    settings = notifier.settings
    behind = dt.timedelta(
        minutes=max(settings.classroom_checkin_alert_minutes, settings.teacher_live_alert_minutes)
        + settings.misfire_grace_minutes
    )
    return await load_lessons(
        store,
        col(models.LessonRow.status) != "cancelled",
        col(models.LessonRow.start) >= now - behind,
        col(models.LessonRow.start) <= now + dt.timedelta(hours=settings.schedule_horizon_hours),
    )


def reminder_jobs(
    lessons: list[LessonContext], settings: NotificationSettings, now: dt.datetime
) -> list[PlannedJob]:
    """A reminder N minutes before, or at the change if the lesson changed later than that."""
    before = dt.timedelta(minutes=settings.reminder_minutes)
    grace = dt.timedelta(minutes=settings.misfire_grace_minutes)
    jobs = []
    for context in lessons:
        lesson = context.lesson
        run_at = max(lesson.start - before, lesson.changed_at)
        if lesson.start > now and run_at < lesson.start and run_at >= now - grace:
            jobs.append(PlannedJob("reminder", lesson.key, lesson.revision, run_at))
    return jobs
