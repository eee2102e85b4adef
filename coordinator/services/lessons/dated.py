"""Dated lessons: the active weekly plan expanded over the term and reconciled with the store.

Reconciling never touches a lesson dated before today (that is history: check-ins and
attendance point at it). From today on, a lesson keeps its key; any change of time, teacher,
classroom set, link or status bumps its revision, and one that the plan no longer holds is
cancelled, not deleted, so calendars show 【已取消】.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from sqlalchemy import Table, bindparam, delete, insert, update
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import domain, models
from coordinator.calendar import (
    DatedLesson,
    LessonStatus,
    Receiver,
    SchoolCalendar,
    SchoolDay,
    WeeklySession,
    expand_sessions,
)
from coordinator.calendar.edits import HandEdit, apply_edit, double_bookings
from coordinator.services.counters import FEEDS, bump_counter
from coordinator.services.data.imports import load_bundle
from coordinator.services.lessons.edit_rows import newest_edits
from coordinator.services.lessons.enrolled import (
    Enrolled,
    keep_enrolled_dates,
    lay_enrolments,
    stored_enrolments,
)
from coordinator.services.planning.plans import lesson_keys, load_plan, temporary_versions
from coordinator.store import Store
from coordinator.timetable.plan import Plan

log = logging.getLogger(__name__)


@dataclass(slots=True)
class PublishSummary:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    unchanged: int = 0
    conflicts: int = 0

    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "changed": len(self.changed),
            "cancelled": len(self.cancelled),
            "unchanged": self.unchanged,
            "conflicts": self.conflicts,
        }


@dataclass(frozen=True, slots=True, eq=False)
class RememberingCalendar(SchoolCalendar):
    """A school calendar that works out each date once: dating a province's term asks every
    party's calendar about every date of every session (half a million questions)."""

    known: dict[dt.date, SchoolDay] = field(default_factory=dict)

    def day(self, date: dt.date) -> SchoolDay:
        found = self.known.get(date)
        if found is None:
            found = self.known[date] = SchoolCalendar.day(self, date)
        return found


def school_calendars(bundle: domain.Bundle) -> dict[str, SchoolCalendar]:
    calendars: dict[str, SchoolCalendar] = {}
    for school in bundle.schools:
        calendar = SchoolCalendar.for_school(school, bundle.terms, bundle.calendar_days)
        values = {f.name: getattr(calendar, f.name) for f in dataclasses.fields(SchoolCalendar)}
        calendars[school.id] = RememberingCalendar(**values)
    return calendars


def weekly_sessions(
    bundle: domain.Bundle, plan: Plan, keys: Mapping[str, str] | None = None
) -> list[WeeklySession]:
    """The plan's sessions with every party's school calendar, ready to be dated."""
    calendars = school_calendars(bundle)
    schools = {school.id: school for school in bundle.schools}
    teacher_school = {teacher.id: teacher.school_id for teacher in bundle.network_teachers}
    classroom_school = {room.id: room.school_id for room in bundle.classrooms}
    return [
        WeeklySession(
            key=(keys or {}).get(session.id, session.id),
            teacher_id=session.teacher_id,
            teacher_calendar=calendars[teacher_school[session.teacher_id]],
            weekday=session.weekday,
            start=session.start,
            end=session.end,
            time_zone=schools[teacher_school[session.teacher_id]].time_zone,
            receivers=tuple(
                Receiver(room, calendars[classroom_school[room]]) for room in session.classroom_ids
            ),
        )
        for session in plan.sessions
    ]


def last_term_day(bundle: domain.Bundle, today: dt.date) -> dt.date:
    return max((term.end for term in bundle.terms), default=today)


@dataclass(frozen=True, slots=True)
class Layer:
    """A version and the dates it holds for (None: every date no temporary version claims)."""

    version_id: int
    plan: Plan
    keys: dict[str, str]
    dates: tuple[dt.date, dt.date] | None = None
    enrolled: Enrolled = field(default_factory=dict)  # self-enrolments laid over (`enrolled`)


@dataclass(frozen=True, slots=True)
class Dated:
    lesson: DatedLesson
    subject_id: str
    version_id: int


async def current_layers(session: AsyncSession) -> list[Layer]:
    """The active version, then the temporary versions on top of it, oldest first."""
    enrolments = await stored_enrolments(session)
    base_id, base = await load_plan(session)
    keys = await lesson_keys(session, base_id)
    base, enrolled = lay_enrolments(base, keys, enrolments)
    layers = [Layer(base_id, base, keys, None, enrolled)]
    for version in await temporary_versions(session, base_id):
        if version.id is None or version.applies_from is None or version.applies_to is None:
            continue
        _, plan = await load_plan(session, version.id)
        keys = await lesson_keys(session, version.id)
        plan, enrolled = lay_enrolments(plan, keys, enrolments)
        dates = (version.applies_from, version.applies_to)
        layers.append(Layer(version.id, plan, keys, dates, enrolled))
    return layers


def date_layers(
    bundle: domain.Bundle,
    layers: list[Layer],
    first: dt.date,
    last: dt.date,
) -> list[Dated]:
    """Every dated lesson from `first` to `last`, each date from the newest layer holding it."""

    def holder(date: dt.date) -> int:
        for layer in reversed(layers):
            if layer.dates is None or layer.dates[0] <= date <= layer.dates[1]:
                return layer.version_id
        raise AssertionError("the active version holds every date")

    dated = []
    for layer in layers:
        begin, end = layer.dates or (first, last)
        subjects = {layer.keys.get(s.id, s.id): s.subject_id for s in layer.plan.sessions}
        sessions = weekly_sessions(bundle, layer.plan, layer.keys)
        for lesson in expand_sessions(sessions, max(begin, first), min(end, last)):
            lesson = keep_enrolled_dates(lesson, layer.enrolled)
            if holder(lesson.date) == layer.version_id:
                dated.append(Dated(lesson, subjects[lesson.session_key], layer.version_id))
    return dated


async def publish_lessons(
    store: Store, *, now: dt.datetime, today: dt.date, bundle: domain.Bundle | None = None
) -> PublishSummary:
    """Date the current versions from `today` to the end of the term; store the difference.

    `bundle`: the current data when the caller has read it already (a solve has).
    """
    bundle = bundle or await load_bundle(store)
    async with store.read() as session:
        layers = await current_layers(session)
    dated = date_layers(bundle, layers, today, last_term_day(bundle, today))
    async with store.write() as session:
        # First: on PostgreSQL the counter row's lock queues hand edits (which bump it first
        # too) until this commits, so the edits read next are the newest.
        await bump_counter(session, FEEDS, now)
        edits = await newest_edits(session, today=today)
        dated = with_hand_edits(bundle, layers, dated, edits, today)
        summary = await _reconcile(session, dated, now=now, today=today)
    log.info("published lessons: %s", summary.counts())
    return summary


def with_hand_edits(
    bundle: domain.Bundle,
    layers: list[Layer],
    dated: list[Dated],
    edits: Mapping[str, HandEdit],
    today: dt.date,
) -> list[Dated]:
    """The dated lessons with the admins' hand edits laid over (services/lessons/edits.py).

    A lesson cancelled by hand drops out, so reconciling cancels it; one moved to a date
    before `today` is history and drops out too. One planned before `today` but moved to
    `today` or later is dated again from its planned date, so the plan keeps holding it.
    """
    earlier = {
        edit.planned_date
        for edit in edits.values()
        if edit.planned_date < today and edit.moved_to is not None and edit.moved_to >= today
    }
    moved_here = [
        item
        for day in sorted(earlier)
        for item in date_layers(bundle, layers, day, day)
        if item.lesson.key in edits
    ]
    kept = []
    changed_by_hand = set()
    for item in [*dated, *moved_here]:
        edit = edits.get(item.lesson.key)
        lesson = item.lesson if edit is None else apply_edit(item.lesson, edit)
        if lesson is not None and lesson.date >= today:
            if lesson is not item.lesson:
                changed_by_hand.add(lesson.key)
                item = dataclasses.replace(item, lesson=lesson)
            kept.append(item)
    clashes = double_bookings([item.lesson for item in kept], changed_by_hand)
    if clashes:
        log.warning("lessons changed by hand now double-booked: %s", sorted(clashes))
    for index, item in enumerate(kept):
        if found := clashes.get(item.lesson.key):
            flagged = dataclasses.replace(item.lesson, conflicts=item.lesson.conflicts + found)
            kept[index] = dataclasses.replace(item, lesson=flagged)
    return kept


async def reconcile_one(
    session: AsyncSession, row: models.LessonRow, item: Dated | None, *, now: dt.datetime
) -> bool:
    """One stored lesson brought in line with `item` (None: cancelled) exactly as publishing
    would, so that publishing afterwards finds nothing to do; True when it changed."""
    if item is None:
        if row.status == LessonStatus.CANCELLED:
            return False
        _cancel(row, now)
        return True
    summary = PublishSummary()
    if _refresh(row, item.lesson, item.version_id, now):
        summary.changed.append(row.key)
    await _write_classrooms(session, [item.lesson], summary, now)
    return bool(summary.changed)


# What reconciling may change in a stored lesson (`_refresh`, `_cancel`); the rest is fixed.
MUTABLE = (
    "date",
    "teacher_id",
    "start",
    "end",
    "status",
    "revision",
    "link_revision",
    "fingerprint",
    "conflicts",
    "version_id",
    "changed_at",
    "cancelled_at",
)


@dataclass(slots=True)
class StoredLesson:
    """The mutable columns of one stored lesson, read as plain values (no ORM object)."""

    key: str
    date: dt.date
    teacher_id: str
    start: dt.datetime
    end: dt.datetime
    status: str
    revision: int
    link_revision: int
    fingerprint: str
    conflicts: list[dict[str, Any]]
    version_id: int | None
    changed_at: dt.datetime
    cancelled_at: dt.datetime | None

    def values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in MUTABLE)


def _lesson_table() -> Table:
    table: Table = models.LessonRow.__table__  # type: ignore[attr-defined]
    return table


async def stored_lessons(session: AsyncSession, today: dt.date) -> dict[str, StoredLesson]:
    """Every stored lesson dated `today` or later, by key: one SELECT of plain columns."""
    table = _lesson_table()
    query = sa_select(table.c.key, *(table.c[name] for name in MUTABLE)).where(
        table.c.date >= today
    )
    result = await (await session.connection()).execute(query)
    return {row[0]: StoredLesson(*row) for row in result.all()}


async def _reconcile(
    session: AsyncSession, dated: list[Dated], *, now: dt.datetime, today: dt.date
) -> PublishSummary:
    """Bulk: one SELECT of what exists, one executemany per kind of change (insert, update);
    the same effect as reconciling each lesson's ORM row, at province scale in seconds."""
    stored = await stored_lessons(session, today)
    summary = PublishSummary()
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for item in dated:
        lesson = item.lesson
        summary.conflicts += bool(lesson.conflicts)
        row = stored.pop(lesson.key, None)
        if row is None:
            inserts.append(_new_lesson_values(lesson, item.subject_id, item.version_id, now))
            summary.added.append(lesson.key)
            continue
        before = row.values()
        if _refresh(row, lesson, item.version_id, now):
            summary.changed.append(lesson.key)
        else:
            summary.unchanged += 1
        if row.values() != before:  # also a new version or conflicts without a new revision
            updates.append(_update_values(row))
    for row in stored.values():
        if row.status != LessonStatus.CANCELLED:
            _cancel(row, now)
            summary.cancelled.append(row.key)
            updates.append(_update_values(row))
    table = _lesson_table()
    connection = await session.connection()
    if inserts:
        await connection.execute(insert(table), inserts)
    if updates:
        changes = update(table).where(table.c.key == bindparam(KEY))
        await connection.execute(changes.values({n: bindparam(n) for n in MUTABLE}), updates)
    await _write_classrooms(session, [item.lesson for item in dated], summary, now, today=today)
    return summary


KEY = "lesson_key_"  # the bound name of a lesson's key in an UPDATE's WHERE


def _update_values(row: StoredLesson) -> dict[str, Any]:
    return {KEY: row.key, **{name: getattr(row, name) for name in MUTABLE}}


def _new_lesson_values(
    lesson: DatedLesson, subject_id: str, version_id: int, now: dt.datetime
) -> dict[str, Any]:
    """A new lesson's columns as plain values (an ORM object each took half a millisecond)."""
    status = LessonStatus.SCHEDULED.value
    return {
        "key": lesson.key,
        "uid": lesson.uid,
        "session_key": lesson.session_key,
        "date": lesson.date,
        "teacher_id": lesson.teacher_id,
        "subject_id": subject_id,
        "start": lesson.start,
        "end": lesson.end,
        "time_zone": lesson.time_zone,
        "status": status,
        "revision": 0,
        "link_revision": 0,
        "fingerprint": _fingerprint(lesson, status),
        "conflicts": _conflicts(lesson),
        "version_id": version_id,
        "changed_at": now,
        "cancelled_at": None,
    }


def _fingerprint(lesson: DatedLesson, status: str) -> str:
    return lesson.fingerprint(status=status)


def new_lesson_row(
    lesson: DatedLesson,
    subject_id: str,
    version_id: int,
    now: dt.datetime,
) -> models.LessonRow:
    return models.LessonRow(**_new_lesson_values(lesson, subject_id, version_id, now))


class LessonState(Protocol):
    """What `_refresh` and `_cancel` change: an ORM row or a `StoredLesson`."""

    date: dt.date
    teacher_id: str
    start: dt.datetime
    end: dt.datetime
    status: str
    revision: int
    link_revision: int
    fingerprint: str
    conflicts: list[dict[str, Any]]
    version_id: int | None
    changed_at: dt.datetime
    cancelled_at: dt.datetime | None


def _refresh(
    row: LessonState,
    lesson: DatedLesson,
    version_id: int,
    now: dt.datetime,
) -> bool:
    """Bring a stored lesson in line with the plan; True when anything people see changed."""
    row.conflicts = _conflicts(lesson)  # the admin's information, not a revision
    row.version_id = version_id
    moved = (row.start, row.end) != (lesson.start, lesson.end)
    if moved:
        status = LessonStatus.MOVED.value
    elif row.status == LessonStatus.CANCELLED:
        status = LessonStatus.SCHEDULED.value
    else:
        status = row.status
    fingerprint = _fingerprint(lesson, status)
    if fingerprint == row.fingerprint:
        return False
    if (row.start, row.end, row.teacher_id) != (lesson.start, lesson.end, lesson.teacher_id):
        row.link_revision += 1  # new links for a new time or teacher; not for a new room set
    row.start, row.end, row.teacher_id = lesson.start, lesson.end, lesson.teacher_id
    row.date = lesson.date  # a lesson moved by hand takes its new date (its key keeps the old)
    row.status, row.fingerprint, row.cancelled_at = status, fingerprint, None
    row.revision += 1
    row.changed_at = now
    return True


def _cancel(row: LessonState, now: dt.datetime) -> None:
    row.status = LessonStatus.CANCELLED.value
    row.revision += 1
    row.changed_at = now
    row.cancelled_at = now


def _conflicts(lesson: DatedLesson) -> list[dict[str, object]]:
    return [
        {k: str(v) if v is not None else None for k, v in asdict(c).items()}
        for c in lesson.conflicts
    ]


async def _write_classrooms(
    session: AsyncSession,
    expanded: list[DatedLesson],
    summary: PublishSummary,
    now: dt.datetime,
    *,
    today: dt.date | None = None,
) -> None:
    """Replace the classroom sets of the lessons that were added or changed; a classroom taken
    out is remembered as a departure (its feeds show the lesson cancelled), one that comes back
    is no longer departed.

    In bulk: with `today` (publishing) one SELECT of the links of every lesson from `today`
    on, else (one lesson) a SELECT by key; then one executemany per kind of change.
    """
    touched = set(summary.added) | set(summary.changed)
    wanted = {lesson.key: lesson.classroom_ids for lesson in expanded if lesson.key in touched}
    if not wanted:
        return
    connection = await session.connection()
    links = _table(models.LessonClassroomRow)
    existing: dict[str, set[str]] = defaultdict(set)
    left = []
    for key, classroom_id in await _links_of(session, links, wanted, today):
        if classroom_id not in wanted[key]:
            left.append((key, classroom_id))
        else:
            existing[key].add(classroom_id)
    await _delete_pairs(connection, links, left)
    await _write_departures(session, wanted, left, now, today=today)
    added = [
        {"lesson_key": key, "classroom_id": classroom_id}
        for key, classroom_ids in wanted.items()
        for classroom_id in classroom_ids
        if classroom_id not in existing[key]
    ]
    if added:
        await connection.execute(insert(links), added)


def _table(model: type[SQLModel]) -> Table:
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


async def _links_of(
    session: AsyncSession, table: Table, wanted: Mapping[str, object], today: dt.date | None
) -> list[tuple[str, str]]:
    """(lesson key, classroom) rows of `table` for the wanted lessons."""
    query = sa_select(table.c.lesson_key, table.c.classroom_id)
    if today is None:
        query = query.where(table.c.lesson_key.in_(list(wanted)))
    else:
        lessons = _lesson_table()
        query = query.join(lessons, lessons.c.key == table.c.lesson_key).where(
            lessons.c.date >= today
        )
    result = await (await session.connection()).execute(query)
    return [(key, classroom_id) for key, classroom_id in result.all() if key in wanted]


async def _delete_pairs(
    connection: AsyncConnection, table: Table, pairs: list[tuple[str, str]]
) -> None:
    if pairs:
        gone = delete(table).where(
            table.c.lesson_key == bindparam("key_"),
            table.c.classroom_id == bindparam("classroom_"),
        )
        await connection.execute(gone, [{"key_": k, "classroom_": c} for k, c in pairs])


async def _write_departures(
    session: AsyncSession,
    wanted: Mapping[str, tuple[str, ...]],
    left: list[tuple[str, str]],
    now: dt.datetime,
    *,
    today: dt.date | None,
) -> None:
    table = _table(models.LessonDepartureRow)
    connection = await session.connection()
    departed = set(await _links_of(session, table, wanted, today))
    back = [(key, classroom_id) for key, classroom_id in departed if classroom_id in wanted[key]]
    await _delete_pairs(connection, table, back)
    again = [
        {"key_": key, "classroom_": classroom_id, "left_at": now}
        for key, classroom_id in left
        if (key, classroom_id) in departed
    ]
    if again:
        stamp = (
            update(table)
            .where(
                table.c.lesson_key == bindparam("key_"),
                table.c.classroom_id == bindparam("classroom_"),
            )
            .values(left_at=bindparam("left_at"))
        )
        await connection.execute(stamp, again)
    new = [
        {"lesson_key": key, "classroom_id": classroom_id, "left_at": now}
        for key, classroom_id in left
        if (key, classroom_id) not in departed
    ]
    if new:
        await connection.execute(insert(table), new)
