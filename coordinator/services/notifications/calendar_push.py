"""What each person's calendar should hold, and the outbox rows that bring it there.

For every dated lesson from now to `calendar.days_ahead` on, its network teacher and each
classroom's assistant with a WeCom or DingTalk id (their preferred one first) should have it
in that calendar, as the entry below says. Compared with `calendar_event` (what was pushed),
each difference becomes one outbox row: `put` for a lesson new or changed for that person,
`remove` for a cancelled lesson or a person no longer on it. A row's id names the person's
lesson, the push count so far and the content wanted, so planning again adds nothing, and a
row still waiting for content that changed again is superseded by the newer one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import or_, update
from sqlmodel import col, select

from coordinator import models
from coordinator.notify.calendars import CalendarEntry
from coordinator.notify.messages import Language, LessonFacts
from coordinator.services.data.directory import Directory
from coordinator.services.notifications.calendar_sync import calendar_providers
from coordinator.services.notifications.outbox import Person, bounded_id, enqueue
from coordinator.services.notifications.reminders import (
    LessonContext,
    Notifier,
    assistant_person,
    facts_of,
    load_lessons,
    page_of,
    safe_links,
    teacher_person,
    time_zone_of_classroom,
)
from coordinator.services.streaming.links import classroom_url, teacher_url
from coordinator.store import Store

Key = tuple[str, str, str]  # lesson key, recipient, provider
TEXTS = {
    "zh": {"teacher": "主讲", "rooms": "教室", "link": "上课链接", "page": "课程页面"},
    "en": {"teacher": "Teacher", "rooms": "Classrooms", "link": "Join", "page": "Lesson page"},
}


@dataclass(frozen=True, slots=True)
class Wanted:
    """One lesson as one person's calendar should show it."""

    address: str
    entry: CalendarEntry

    @property
    def fingerprint(self) -> str:
        content = json.dumps([self.address, self.entry.as_data()], ensure_ascii=False)
        return hashlib.sha256(content.encode()).hexdigest()[:16]


def entry_of(
    facts: LessonFacts,
    language: Language,
    zone: str,
    room: str,
    links: tuple[str, str],
    alarm_minutes: int,
) -> CalendarEntry:
    """Subject and where (the teacher: the classrooms; an assistant: their own classroom and
    the teacher), with the join link and the lesson's page."""
    words = TEXTS[language]
    colon, comma = ("：", "、") if language == "zh" else (": ", ", ")
    where = room or comma.join(facts.rooms)
    lines = [f"{words['teacher']}{colon}{facts.teacher}", f"{words['rooms']}{colon}{where}"]
    link, page = links
    lines += [f"{words['link']}{colon}{link}"] if link else []
    lines += [f"{words['page']}{colon}{page}"] if page else []
    title = f"{facts.subject} · {facts.teacher}" if room else f"{facts.subject} · {where}"
    return CalendarEntry(
        summary=title,
        description="\n".join(lines),
        location=where,
        start=facts.start,
        end=facts.end,
        time_zone=zone,
        remind_before_minutes=alarm_minutes,
    )


def provider_of(person: Person, providers: tuple[str, ...]) -> str:
    """Their preferred calendar when they have an id there, else the first they have."""
    order = [person.preferred_channel, *providers]
    return next((p for p in order if p in providers and person.address_on(p)), "")


def wanted_of(
    context: LessonContext, directory: Directory, notifier: Notifier, providers: tuple[str, ...]
) -> dict[Key, Wanted]:
    """The lesson in the calendars of its teacher and its classrooms' assistants."""
    lesson, settings = context.lesson, notifier.settings
    links = safe_links(notifier.streams, context, directory)
    people = [(teacher_person(directory, lesson.teacher_id), lesson.time_zone, "")]
    people += [
        (assistant_person(directory, room), time_zone_of_classroom(directory, room, ""), room)
        for room in context.rooms
    ]
    wanted: dict[Key, Wanted] = {}
    for person, zone, room_id in people:
        provider = provider_of(person, providers) if person else ""
        if person is None or not provider:
            continue
        language: Language = "en" if (person.language or settings.language) == "en" else "zh"
        room = directory.owner_name_of_classroom(room_id) if room_id else ""
        link = classroom_url(links, room_id) if room_id else teacher_url(links)
        entry = entry_of(
            facts_of(directory, context, language),
            language,
            zone or lesson.time_zone,
            room,
            (link, page_of(settings, lesson.key)),
            settings.calendar.remind_before_minutes,
        )
        address = person.address_on(provider)
        wanted[(lesson.key, person.recipient, provider)] = Wanted(address, entry)
    return wanted


async def _lessons_to_plan(
    store: Store, pushed: list[models.CalendarEventRow], now: dt.datetime, days: int
) -> tuple[list[LessonContext], set[str]]:
    """Lessons from now to `days` on, and upcoming ones already pushed (moved further out);
    and the keys of pushed lessons that are gone altogether."""
    table = models.LessonRow
    until = now + dt.timedelta(days=days)
    lessons = await load_lessons(store, col(table.start) >= now, col(table.start) <= until)
    seen = {context.lesson.key for context in lessons}
    outside = sorted({row.lesson_key for row in pushed} - seen)
    if outside:
        found = await load_lessons(store, col(table.key).in_(outside))
        lessons += [context for context in found if context.lesson.start >= now]
        gone = set(outside) - {context.lesson.key for context in found}
    else:
        gone = set()
    return lessons, gone


def _row(
    key: Key, version: int, target: str, wanted: Wanted | None, now: dt.datetime, lesson_known: bool
) -> models.NotificationRow:
    lesson_key, recipient, provider = key
    data: dict[str, object] = {
        "lesson_key": lesson_key,
        "recipient": recipient,
        "provider": provider,
        "action": "put" if wanted else "remove",
        "fingerprint": target,
    }
    if wanted is not None:
        data |= wanted.entry.as_data()
    return models.NotificationRow(
        id=bounded_id(f"calendar:{lesson_key}:{recipient}:{provider}:{version}:{target}"),
        kind="calendar",
        channel=f"calendar:{provider}",
        lesson_key=lesson_key if lesson_known else None,
        recipient=recipient,
        address=wanted.address if wanted else "",
        subject=wanted.entry.summary if wanted else "",
        body=wanted.entry.description if wanted else "",
        data=data,
        next_attempt_at=now,
        created_at=now,
    )


async def plan_calendar_pushes(
    store: Store, notifier: Notifier, directory: Directory, *, now: dt.datetime
) -> int:
    """Queue a push for every lesson whose calendar entries differ from those wanted; the
    number of new outbox rows."""
    providers = calendar_providers(notifier.settings)
    if not providers:
        return 0
    event = models.CalendarEventRow
    lesson = models.LessonRow
    upcoming = (  # entries of lessons to come, or gone: past lessons' entries stay as they are
        select(event)
        .outerjoin(lesson, col(lesson.key) == col(event.lesson_key))
        .where(or_(col(lesson.start) >= now, col(lesson.key).is_(None)))
    )
    async with store.read() as session:
        every = list((await session.exec(upcoming)).all())
    # `adding`: an add whose answer never came; it may be in the calendar, so it counts
    pushed = [row for row in every if row.state in ("active", "adding")]
    versions = {(row.lesson_key, row.recipient, row.provider): row.version for row in every}
    lessons, gone = await _lessons_to_plan(
        store, pushed, now, notifier.settings.calendar.days_ahead
    )
    wanted: dict[Key, Wanted] = {}
    for context in lessons:
        if context.lesson.status != "cancelled":
            wanted |= wanted_of(context, directory, notifier, providers)
    considered = {context.lesson.key for context in lessons} | gone
    known = {(row.lesson_key, row.recipient, row.provider): row for row in pushed}
    rows: dict[Key, models.NotificationRow] = {}
    for key, want in wanted.items():
        row = known.get(key)
        if row is None or row.fingerprint != want.fingerprint:
            version = versions.get(key, 0)  # a removed entry's count: it may come back
            rows[key] = _row(key, version, want.fingerprint, want, now, True)
    for key, row in known.items():
        if key[0] in considered and key not in wanted:
            rows[key] = _row(key, row.version, "removed", None, now, key[0] not in gone)
    await _supersede(store, considered, {row.id for row in rows.values()})
    return await enqueue(store, rows.values())


async def _supersede(store: Store, lesson_keys: set[str], planned: set[str]) -> None:
    """Pending pushes of these lessons that the plan no longer wants: content that changed
    again before they were sent, or is in the calendar already."""
    table = models.NotificationRow
    query = (
        select(table.id, table.data)
        .where(col(table.kind) == "calendar")
        .where(col(table.status) == "pending")
    )
    async with store.read() as session:
        pending = list((await session.exec(query)).all())
    stale = [
        row_id
        for row_id, data in pending
        if data.get("lesson_key") in lesson_keys and row_id not in planned
    ]
    if stale:
        statement = (
            update(table)
            .where(col(table.id).in_(stale))
            .where(col(table.status) == "pending")
            .values(status="superseded", last_error="superseded by a later change")
        )
        async with store.write() as session:
            await session.exec(statement)
