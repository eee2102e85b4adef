"""The county a chaos run reports on, the reports its phones make, and what ended up stored.

Half the reports are check-ins (one per lesson and classroom: the database's primary key
allows one), half are problem reports (any number per lesson and classroom: each request
that is carried out adds a row). Every report carries its own identity in `note`
(`chaos-17`), so the rows on disk can be matched to the reports that were acknowledged.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlmodel import col

from benchmarks.seeding import lesson_key, lessons_under_way
from coordinator import domain, models
from coordinator.bundle.synthetic import generate_bundle
from coordinator.services.data.imports import import_bundle
from coordinator.store import Store
from coordinator.store.schema import upgrade

NOTE_PREFIX = "chaos-"
KINDS = ("check_in", "problem")


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class Planned:
    """One report as the assistant made it on the phone: sent until acknowledged."""

    ident: str  # chaos-N, also the report's note
    kind: str  # check_in | problem
    token: str
    body: bytes
    students: int  # what a stored check-in must say


@dataclass(slots=True)
class Stored:
    """The reports on disk, by identity: rows per report, and what the check-ins say."""

    rows: Counter[str] = field(default_factory=Counter)
    students: dict[str, int] = field(default_factory=dict)
    revised: int = 0  # check-ins changed after the first write (a retry taken for a correction)
    corrections: int = 0


async def seed(database: str, reports: int, *, classrooms: int = 12) -> list[Planned]:
    """A fresh schema, a small synthetic county, and `reports` reports under way (see below)."""
    bundle = await import_county(database, classrooms=classrooms, teachers=4)
    return await under_way(database, bundle, reports)


async def import_county(database: str, *, classrooms: int, teachers: int) -> domain.Bundle:
    """The schema, then a synthetic county (fixed seed) imported."""
    store = Store(database)
    try:
        await upgrade(store)
        bundle = generate_bundle(classrooms=classrooms, teachers=teachers, seed=11)
        await import_bundle(store, bundle, source="chaos", now=utc_now())
    finally:
        await store.close()
    return bundle


async def under_way(
    database: str,
    bundle: domain.Bundle,
    reports: int,
    kinds: tuple[str, ...] = KINDS,
    started_ago: dt.timedelta = dt.timedelta(minutes=5),
) -> list[Planned]:
    """Lessons that started `started_ago` (under way, by default), a token per assistant, and
    `reports` reports cycling through `kinds`: consecutive reports share a lesson and
    classroom, and each check-in has one of its own."""
    rooms = list(bundle.classrooms)
    slots = -(-reports // len(kinds))
    start = utc_now() - started_ago
    store = Store(database)
    try:
        count = -(-slots // len(rooms))
        tokens = await lessons_under_way(store, bundle, prefix="chaos", count=count, start=start)
    finally:
        await store.close()
    device_time = utc_now().isoformat()
    planned = []
    for n in range(reports):
        slot = n // len(kinds)
        room = rooms[slot % len(rooms)]
        planned.append(
            _report(
                n,
                kinds[n % len(kinds)],
                lesson_key("chaos", slot // len(rooms), start),
                room,
                tokens[room.assistant_id],
                device_time,
            )
        )
    return planned


def _report(
    n: int, kind: str, lesson_key: str, room: domain.Classroom, token: str, device_time: str
) -> Planned:
    note = f"{NOTE_PREFIX}{n}"
    fields: dict[str, object] = (
        {"stream_up": True, "students_present": room.students, "note": note}
        if kind == "check_in"
        else {"problem": "other", "note": note}
    )
    body = {
        "lesson_key": lesson_key,
        "classroom_id": room.id,
        "kind": kind,
        "device_time": device_time,
        "fields": fields,
    }
    return Planned(note, kind, token, json.dumps(body).encode(), room.students)


async def stored(database: str) -> Stored:
    """Every chaos report on disk, counted by its identity (the note)."""
    attendance, problems = models.AttendanceRow, models.ProblemReportRow
    found = Stored()
    store = Store(database)
    try:
        async with store.reader.connect() as connection:
            checkins = select(
                col(attendance.note), col(attendance.students_present), col(attendance.revision)
            )
            for note, students, revision in (await connection.execute(checkins)).all():
                found.rows[note] += 1
                found.students[note] = students
                found.revised += revision > 0
            by_note = select(col(problems.note), func.count()).group_by(col(problems.note))
            for note, count in (await connection.execute(by_note)).all():
                found.rows[note] += count
            corrections = select(func.count()).select_from(models.AttendanceCorrectionRow)
            found.corrections = int((await connection.execute(corrections)).scalar_one())
    finally:
        await store.close()
    return found
