"""Stored lessons read and written in bulk: what reconciling a dated plan changes in the store.

A province's term is tens of thousands of lessons, so rows are read as plain columns (no ORM
object per lesson) and written with one executemany per kind of change.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Table, bindparam, delete, insert, update
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import models
from coordinator.calendar import (
    DatedLesson,
    LessonStatus,
)
from coordinator.store.bulk import insert_rows


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


@dataclass(frozen=True, slots=True)
class Dated:
    lesson: DatedLesson
    subject_id: str
    version_id: int


# What reconciling may change in a stored lesson (`refresh`, `cancel`); the rest is fixed.
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


async def stored_lessons(session: AsyncSession, today: dt.date) -> dict[str, StoredLesson]:
    """Every stored lesson dated `today` or later, by key: one SELECT of plain columns."""
    table = models.table_of(models.LessonRow)
    query = sa_select(table.c.key, *(table.c[name] for name in MUTABLE)).where(
        table.c.date >= today
    )
    result = await (await session.connection()).execute(query)
    return {row[0]: StoredLesson(*row) for row in result.all()}


async def reconcile(
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
        if refresh(row, lesson, item.version_id, now):
            summary.changed.append(lesson.key)
        else:
            summary.unchanged += 1
        if row.values() != before:  # also a new version or conflicts without a new revision
            updates.append(_update_values(row))
    for row in stored.values():
        if row.status != LessonStatus.CANCELLED:
            cancel(row, now)
            summary.cancelled.append(row.key)
            updates.append(_update_values(row))
    table = models.table_of(models.LessonRow)
    connection = await session.connection()
    if inserts:
        await insert_rows(connection, table, inserts)
    if updates:
        changes = update(table).where(table.c.key == bindparam(KEY))
        await connection.execute(changes.values({n: bindparam(n) for n in MUTABLE}), updates)
    await write_classrooms(session, [item.lesson for item in dated], summary, now, today=today)
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


# What `refresh` and `cancel` change: an ORM row (one lesson) or a `StoredLesson` (in bulk).
LessonState = models.LessonRow | StoredLesson


def refresh(
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


def cancel(row: LessonState, now: dt.datetime) -> None:
    row.status = LessonStatus.CANCELLED.value
    row.revision += 1
    row.changed_at = now
    row.cancelled_at = now


def _conflicts(lesson: DatedLesson) -> list[dict[str, object]]:
    return [
        {k: str(v) if v is not None else None for k, v in asdict(c).items()}
        for c in lesson.conflicts
    ]


async def write_classrooms(
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
    links = models.table_of(models.LessonClassroomRow)
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
        await insert_rows(connection, links, added)


async def _links_of(
    session: AsyncSession, table: Table, wanted: Mapping[str, object], today: dt.date | None
) -> list[tuple[str, str]]:
    """(lesson key, classroom) rows of `table` for the wanted lessons.

    A few wanted lessons (one edit, a re-plan that moves some sessions) are asked for by key,
    in chunks below PostgreSQL's limit of query arguments; many (a first plan, a large
    change) with one join on every lesson from `today` on.
    """
    query = sa_select(table.c.lesson_key, table.c.classroom_id)
    connection = await session.connection()
    if today is None or len(wanted) <= BY_KEY_MAX:
        keys = list(wanted)
        found: list[tuple[str, str]] = []
        for first in range(0, len(keys), BY_KEY_CHUNK):
            chunk = query.where(table.c.lesson_key.in_(keys[first : first + BY_KEY_CHUNK]))
            found.extend((key, room) for key, room in (await connection.execute(chunk)).all())
        return found
    lessons = models.table_of(models.LessonRow)
    query = query.join(lessons, lessons.c.key == table.c.lesson_key).where(lessons.c.date >= today)
    result = await connection.execute(query)
    return [(key, classroom_id) for key, classroom_id in result.all() if key in wanted]


BY_KEY_MAX = 5_000  # wanted lessons asked for by key; more: one join (a province term: 30k)
BY_KEY_CHUNK = 1_000


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
    table = models.table_of(models.LessonDepartureRow)
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
