"""Reports from the store: one query per kind of fact over the period, then pure reporting."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from sqlalchemy import and_
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import domain, models
from coordinator.calendar.school import SchoolCalendar
from coordinator.enums import DayKind
from coordinator.errors import NotFoundError
from coordinator.reporting import facts as f
from coordinator.reporting.attendance import (
    AttendanceReport,
    CauseLine,
    Dimension,
    attendance_report,
    failure_causes,
)
from coordinator.reporting.kaiqi import DEFAULT_THRESHOLD, KaiqiReport, kaiqi_report
from coordinator.reporting.overview import Overview, UnmetNeed, overview
from coordinator.services.planning.plans import load_plan
from coordinator.store import Store

log = logging.getLogger(__name__)
# Lesson dates are in the lesson's own zone; a school elsewhere may see the date one day off.
MARGIN = dt.timedelta(days=1)


class HasId(Protocol):
    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=HasId)


@dataclass(frozen=True, slots=True)
class Window:
    """Which lessons and classrooms the queries read: dates (with a margin), maybe a scope."""

    span: tuple[dt.date, dt.date]
    rooms: frozenset[str] | None  # None: every classroom

    def lessons(self) -> Any:
        """A condition on `lesson`: in the span and, if scoped, received by a scoped classroom."""
        lesson, link = models.LessonRow, models.LessonClassroomRow
        within = col(lesson.date).between(*self.span)
        if self.rooms is None:
            return within
        scoped = sa_select(col(link.lesson_key)).where(col(link.classroom_id).in_(self.rooms))
        return and_(within, col(lesson.key).in_(scoped))

    def rows(self, table: Any, classroom_id: Any = None) -> tuple[Any, Any]:
        """The join of a table carrying `lesson_key` to `lesson`, and its filter."""
        on = col(models.LessonRow.key) == col(table.lesson_key)
        if self.rooms is None or classroom_id is None:
            return on, self.lessons()
        return on, and_(self.lessons(), col(classroom_id).in_(self.rooms))


async def load_facts(
    store: Store,
    *,
    first: dt.date,
    last: dt.date,
    as_of: dt.datetime,
    scope: f.ScopeFilter | None = None,
    catalog: f.Catalog | None = None,
) -> f.Facts:
    """Everything the reports of one period need, in a fixed number of queries.

    With a scope, only its classrooms' lessons and reports are read (a county page on a
    province's database); reports over these facts must then use the same scope or a narrower.
    A `catalog` already read (see `load_catalog`) saves reading the directory tables again.
    """
    period = f.Period(first, last, as_of)
    async with store.read() as session:
        catalog = catalog or await _catalog(session)
        rooms = scope.classrooms(catalog) if scope else None
        window = Window((first - MARGIN, last + MARGIN), rooms)
        lessons = await _lessons(session, window)
        facts = f.Facts(
            period=period,
            catalog=catalog,
            lessons=lessons,
            attendance=await _attendance(session, window),
            problems=await _problems(session, window),
            needs=await _needs(session),
            live_lessons=await _live_lessons(session, window),
            school_days=await _school_days(session, catalog, period),
            platform=await _platform(session, window),
        )
    log.info("report facts %s..%s: %d lessons", first, last, len(lessons))
    return facts


async def load_catalog(store: Store) -> f.Catalog:
    """Who is who (retired rows too): to check a scope before reading a period's facts."""
    async with store.read() as session:
        return await _catalog(session)


async def current_unmet(store: Store) -> tuple[UnmetNeed, ...]:
    """The needs the current timetable could not place, with the solver's explanation."""
    async with store.read() as session:
        try:
            _, plan = await load_plan(session)
        except NotFoundError:
            return ()
    return tuple(
        UnmetNeed(
            u.classroom_id, u.subject_id, u.periods, f.Label(u.reason.text_zh, u.reason.text_en)
        )
        for u in plan.unmet
    )


async def page_overview(
    store: Store,
    *,
    by: Dimension,
    first: dt.date,
    last: dt.date,
    as_of: dt.datetime,
    scope: f.ScopeFilter,
    catalog: f.Catalog | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> Overview:
    """The Reports page's tables and charts; the grouping runs in a thread, off the loop."""
    facts = await load_facts(
        store, first=first, last=last, as_of=as_of, scope=scope, catalog=catalog
    )
    unmet = await current_unmet(store)
    return await asyncio.to_thread(overview, facts, by, scope, unmet, threshold)


async def attendance(
    store: Store,
    *,
    by: Dimension,
    first: dt.date,
    last: dt.date,
    as_of: dt.datetime,
    scope: f.ScopeFilter | None = None,
) -> AttendanceReport:
    facts = await load_facts(store, first=first, last=last, as_of=as_of, scope=scope)
    return attendance_report(facts, by, scope)


async def kaiqi(
    store: Store,
    *,
    first: dt.date,
    last: dt.date,
    as_of: dt.datetime,
    scope: f.ScopeFilter | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> KaiqiReport:
    facts = await load_facts(store, first=first, last=last, as_of=as_of, scope=scope)
    return kaiqi_report(facts, scope, threshold)


async def failures(
    store: Store,
    *,
    first: dt.date,
    last: dt.date,
    as_of: dt.datetime,
    scope: f.ScopeFilter | None = None,
) -> tuple[CauseLine, ...]:
    facts = await load_facts(store, first=first, last=last, as_of=as_of, scope=scope)
    return failure_causes(facts, scope)


async def _all(session: AsyncSession, table: Any) -> Sequence[Any]:
    return (await session.exec(select(table))).all()


async def _catalog(session: AsyncSession) -> f.Catalog:
    """Every region, school, classroom, teacher, subject and alliance, retired ones too."""
    members: defaultdict[str, set[str]] = defaultdict(set)
    for member in await _all(session, models.AllianceMemberRow):
        members[member.alliance_id].add(member.school_id)
    alliances = [
        f.AllianceFact(a.id, a.name, frozenset(members[a.id] | {a.lead_school_id}), _gone(a))
        for a in await _all(session, models.AllianceRow)
    ]
    return f.Catalog(
        regions=_by_id(
            f.RegionFact(r.id, r.name, _gone(r)) for r in await _all(session, models.RegionRow)
        ),
        schools=_by_id(
            f.SchoolFact(s.id, s.name, s.region_id, s.time_zone, _gone(s))
            for s in await _all(session, models.SchoolRow)
        ),
        classrooms=_by_id(
            f.ClassroomFact(c.id, c.name, c.school_id, _gone(c), c.grade)
            for c in await _all(session, models.ClassroomRow)
        ),
        teachers=_by_id(
            f.TeacherFact(t.id, t.name, t.school_id, _gone(t))
            for t in await _all(session, models.NetworkTeacherRow)
        ),
        subjects=_by_id(
            f.SubjectFact(s.id, s.name_zh, s.name_en, _gone(s))
            for s in await _all(session, models.SubjectRow)
        ),
        alliances=_by_id(alliances),
    )


def _gone(row: models.Imported) -> bool:
    return row.retired_at is not None


def _by_id(rows: Iterable[T]) -> dict[str, T]:
    return {row.id: row for row in rows}


async def _fetch(session: AsyncSession, statement: Any) -> Sequence[Any]:
    """Plain rows, not ORM objects: a province's term is hundreds of thousands of them."""
    connection = await session.connection()
    return (await connection.execute(statement)).all()


async def _lessons(session: AsyncSession, window: Window) -> tuple[f.LessonFact, ...]:
    lesson, link = models.LessonRow, models.LessonClassroomRow
    rooms: defaultdict[str, list[str]] = defaultdict(list)
    on, where = window.rows(link, link.classroom_id)
    links = sa_select(col(link.lesson_key), col(link.classroom_id)).join(lesson, on).where(where)
    for key, classroom_id in await _fetch(session, links):
        rooms[key].append(classroom_id)
    columns = (lesson.key, lesson.teacher_id, lesson.subject_id, lesson.start, lesson.status)
    query = sa_select(*map(col, columns), col(lesson.cancelled_at)).where(window.lessons())
    return tuple(
        f.LessonFact(key, teacher, subject, start, status, cancelled, tuple(sorted(rooms[key])))
        for key, teacher, subject, start, status, cancelled in await _fetch(session, query)
    )


async def _attendance(session: AsyncSession, window: Window) -> tuple[f.AttendanceFact, ...]:
    a = models.AttendanceRow
    on, where = window.rows(a, a.classroom_id)
    columns = (a.lesson_key, a.classroom_id, a.kind, a.students_present, a.stream_quality, a.late)
    query = sa_select(*map(col, columns)).join(models.LessonRow, on).where(where)
    return tuple(f.AttendanceFact(*row) for row in await _fetch(session, query))


async def _problems(session: AsyncSession, window: Window) -> tuple[f.ProblemFact, ...]:
    p = models.ProblemReportRow
    on, within = window.rows(p, p.classroom_id)
    query = select(p.lesson_key, p.classroom_id, p.problem, p.late).join(models.LessonRow, on)
    return tuple(f.ProblemFact(*row) for row in (await session.exec(query.where(within))).all())


async def _live_lessons(session: AsyncSession, window: Window) -> frozenset[str] | None:
    """Lessons with an accepted publish; None when the period has no stream callbacks at all."""
    e = models.StreamEventRow
    on, within = window.rows(e)
    query = select(e.lesson_key, e.kind, e.accepted).distinct().join(models.LessonRow, on)
    events = (await session.exec(query.where(within))).all()
    if not events:
        return None
    return frozenset(key for key, kind, ok in events if key and kind == "publish" and ok)


async def _platform(session: AsyncSession, window: Window) -> dict[str, f.PlatformFact]:
    """What meeting platforms saw of the lessons: who joined, whose account never came."""
    e = models.PlatformEvidenceRow
    on, within = window.rows(e)
    rows: defaultdict[str, list[models.PlatformEvidenceRow]] = defaultdict(list)
    for row in (await session.exec(select(e).join(models.LessonRow, on).where(within))).all():
        rows[row.lesson_key].append(row)
    facts = {}
    for key, seen in rows.items():
        present = frozenset(r.classroom_id for r in seen if r.classroom_id and r.seconds > 0)
        absent = frozenset(r.classroom_id for r in seen if r.classroom_id) - present
        people = sum(r.seconds > 0 for r in seen if r.participant != "*")
        anyone = people >= 2 or any(r.viewers > 0 for r in seen)
        facts[key] = f.PlatformFact(key, seen[0].provider, present, absent, anyone)
    return facts


async def _needs(session: AsyncSession) -> tuple[f.NeedFact, ...]:
    return tuple(
        f.NeedFact(n.classroom_id, n.subject_id, n.periods_per_week, n.retired_at)
        for n in await _all(session, models.NeedRow)
    )


async def _school_days(
    session: AsyncSession, catalog: f.Catalog, period: f.Period
) -> dict[str, frozenset[dt.date]]:
    """Per school, the period's dates on which live lessons could run (terms, 调休, closures)."""
    terms = [
        domain.Term(t.id, t.name, t.start, t.end, t.region_id)
        for t in await _all(session, models.TermRow)
        if t.retired_at is None
    ]
    days = [
        domain.CalendarDay(
            d.date, DayKind(d.kind), d.name, d.follows_weekday, d.region_id, d.school_id
        )
        for d in await _all(session, models.CalendarDayRow)
        if d.retired_at is None
    ]
    span = [
        period.first + dt.timedelta(days=n) for n in range((period.last - period.first).days + 1)
    ]
    result = {}
    for school in catalog.schools.values():
        calendar = SchoolCalendar.build(
            school_id=school.id, region_id=school.region_id, terms=terms, calendar_days=days
        )
        result[school.id] = frozenset(d for d in span if _live_weekday(calendar, d))
    return result


def _live_weekday(calendar: SchoolCalendar, date: dt.date) -> bool:
    """A day with live lessons on a Monday-to-Friday timetable (a 调休 Saturday counts)."""
    day = calendar.day(date)
    return day.live and day.timetable_weekday is not None and day.timetable_weekday <= 5
