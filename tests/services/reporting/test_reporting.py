"""Reports from a real store (SQLite and PostgreSQL): the crafted county, and real lessons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from sqlmodel import col, select

from coordinator import models
from coordinator.reporting import Dimension, ScopeFilter, attendance_report, kaiqi_report
from coordinator.reporting.attendance import AttendanceLine
from coordinator.services.lessons.dated import publish_lessons
from coordinator.services.planning.solve import solve_and_store
from coordinator.services.reporting import facts as reporting
from coordinator.store import Store
from tests.reporting.seed import AS_OF, FIRST, LAST, seed
from tests.services.lessons.test_lessons import SOLVER
from tests.sql import sent_statements

Counts = tuple[int, int, int, int, int, int, int, int, float | None, int | None]


def counts(line: AttendanceLine) -> Counts:
    """lessons, planned, cancelled, due, checked in, delivered, failed, late, students, live."""
    return (
        line.lessons,
        line.planned,
        line.cancelled,
        line.due,
        line.checked_in,
        line.delivered,
        line.failed,
        line.late_reports,
        line.students_average,
        line.teacher_live,
    )


@contextmanager
def counting_selects(store: Store) -> Iterator[list[str]]:
    """The SELECTs the store's reader sends while the block runs (filled in at its end)."""
    selects: list[str] = []
    with sent_statements(store.reader.sync_engine) as sent:
        yield selects
    selects.extend(s for s in sent if s.lstrip().upper().startswith("SELECT"))


async def test_attendance_by_classroom_from_the_store(store: Store) -> None:
    await seed(store)
    report = await reporting.attendance(
        store, by=Dimension.CLASSROOM, first=FIRST, last=LAST, as_of=AS_OF
    )
    assert {line.key: counts(line) for line in report.lines} == {
        "c-east-3": (4, 3, 1, 3, 2, 2, 0, 0, 29.0, 2),
        "c-east-4": (3, 3, 0, 2, 2, 2, 0, 1, 22.5, 0),
        "c-west-3": (2, 2, 0, 2, 2, 0, 2, 1, None, 2),
    }
    assert counts(report.total) == (7, 8, 1, 7, 6, 4, 2, 2, 25.75, 4)
    assert report.lines[2].label.zh == "西村教学点 三年级（已停用）"


async def test_attendance_by_alliance_includes_the_lead_school(store: Store) -> None:
    await seed(store)
    report = await reporting.attendance(
        store,
        by=Dimension.ALLIANCE,
        first=FIRST,
        last=LAST,
        as_of=AS_OF,
        scope=ScopeFilter.parse("region:xiao"),
    )
    assert [(line.key, line.label.zh, counts(line)) for line in report.lines] == [
        ("pair-1", "城关一小结对", (7, 8, 1, 7, 6, 4, 2, 2, 25.75, 4))
    ]


async def test_scoped_facts_read_only_the_scope_and_report_the_same(store: Store) -> None:
    await seed(store)
    west = ScopeFilter.parse("school:r-west")
    scoped = await reporting.load_facts(store, first=FIRST, last=LAST, as_of=AS_OF, scope=west)
    everything = await reporting.load_facts(store, first=FIRST, last=LAST, as_of=AS_OF)
    rooms = {room for lesson in scoped.lessons for room in lesson.classroom_ids}
    reported = {row.classroom_id for row in scoped.attendance + scoped.problems}
    assert (rooms, reported, len(scoped.lessons)) == ({"c-west-3"}, {"c-west-3"}, 2)
    assert attendance_report(scoped, Dimension.WEEK, west) == attendance_report(
        everything, Dimension.WEEK, west
    )
    assert scoped.live_lessons == frozenset({"L1@2026-11-16", "L3@2026-11-23"})


async def test_kaiqi_from_the_store_uses_the_term_calendar(store: Store) -> None:
    await seed(store)
    report = await reporting.kaiqi(store, first=FIRST, last=LAST, as_of=AS_OF)
    rows = [
        (line.classroom_id, line.subject_id, line.school_weeks, line.required)
        for line in report.lines
    ]
    outcomes = [(line.planned, line.delivered, line.rate, line.below) for line in report.lines]
    assert rows == [
        ("c-east-3", "music", 2, 4),
        ("c-east-4", "art", 2, 2),
        ("c-west-3", "music", 2, 2),
    ]
    assert outcomes == [(3, 2, 0.5, True), (3, 2, 1.0, False), (2, 0, 0.0, True)]


async def test_failures_from_the_store(store: Store) -> None:
    await seed(store)
    lines = await reporting.failures(store, first=FIRST, last=LAST, as_of=AS_OF)
    assert [(line.cause.value, line.count) for line in lines] == [
        ("stream_failed", 1),
        ("no_signal", 0),
        ("no_teacher", 0),
        ("no_power", 1),
    ]


async def test_school_days_leave_out_holidays_and_closures_and_keep_makeup_days(
    store: Store,
) -> None:
    await seed(store)
    facts = await reporting.load_facts(
        store, first=dt.date(2026, 9, 28), last=dt.date(2026, 10, 11), as_of=AS_OF
    )
    east = facts.school_days["r-east"]
    assert (len(east), dt.date(2026, 10, 1) in east, dt.date(2026, 10, 10) in east) == (
        10,
        False,
        True,
    )
    november = await reporting.load_facts(store, first=FIRST, last=LAST, as_of=AS_OF)
    assert len(november.school_days["r-west"]) == 9  # closed on 11-27 (停电)


async def test_load_facts_reads_a_fixed_number_of_queries_whatever_the_lessons(
    store: Store,
) -> None:
    await seed(store)
    with counting_selects(store) as few:
        await reporting.load_facts(store, first=FIRST, last=FIRST, as_of=AS_OF)
    with counting_selects(store) as many:
        facts = await reporting.load_facts(store, first=FIRST, last=LAST, as_of=AS_OF)
    assert (len(few), len(many), len(facts.lessons)) == (16, 16, 8)


async def test_report_on_published_lessons_counts_every_receiving_classroom(
    store: Store,
) -> None:
    now = dt.datetime(2026, 8, 30, 1, 0, tzinfo=dt.UTC)
    await seed(store)
    await solve_and_store(store, SOLVER, now=now)
    await publish_lessons(store, now=now, today=dt.date(2026, 9, 1))
    first, last = dt.date(2026, 9, 28), dt.date(2026, 10, 11)
    async with store.read() as session:
        query = select(models.LessonClassroomRow.classroom_id).join(
            models.LessonRow, col(models.LessonRow.key) == col(models.LessonClassroomRow.lesson_key)
        )
        query = query.where(col(models.LessonRow.date).between(first, last))
        expected = len((await session.exec(query)).all())
    facts = await reporting.load_facts(store, first=first, last=last, as_of=now)
    total = attendance_report(facts, Dimension.WEEK).total
    kaiqi = kaiqi_report(facts)
    assert expected > 0
    assert (total.planned, total.due, total.delivered) == (expected, 0, 0)
    assert sum(line.planned for line in kaiqi.lines) == expected
    assert {line.school_weeks for line in kaiqi.lines} == {2}
