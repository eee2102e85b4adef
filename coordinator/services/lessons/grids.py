"""Week grids per school, classroom, network teacher and assistant in each school's bell times."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import domain, models
from coordinator.errors import NotFoundError
from coordinator.services.accounts.users import Scope
from coordinator.services.data.directory import Directory
from coordinator.services.lessons.classrooms import classrooms_by_lesson
from coordinator.services.planning.plans import load_plan
from coordinator.store import Store

GRID_KINDS = ("school", "classroom", "teacher", "assistant")


@dataclass(frozen=True, slots=True)
class Period:
    number: int
    start: dt.time
    end: dt.time


@dataclass(frozen=True, slots=True)
class Cell:
    key: str
    subject: str
    teacher: str
    classrooms: tuple[str, ...]
    start: dt.datetime  # in the grid school's zone
    end: dt.datetime
    status: str
    conflicts: tuple[str, ...]
    teacher_id: str = ""
    classroom_ids: tuple[str, ...] = ()  # in the order of `classrooms`
    # On a teacher's grid: the periods of the teacher's own school the lesson falls in.
    own_periods: tuple[Period, ...] = ()


@dataclass(frozen=True, slots=True)
class UnmetView:
    classroom: str
    subject: str
    periods: int
    reason: str


@dataclass(slots=True)
class WeekGrid:
    kind: str
    object_id: str
    title: str
    school: str
    time_zone: str
    days: list[dt.date]
    periods: list[Period]
    cells: dict[tuple[int, int], list[Cell]] = field(default_factory=lambda: defaultdict(list))
    off_bell: list[Cell] = field(default_factory=list)
    unmet: list[UnmetView] = field(default_factory=list)
    own_school: str = ""  # a teacher's grid in the classrooms' bells: the teacher's school

    def at(self, period: int, day: int) -> list[Cell]:
        return self.cells.get((period, day), [])


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


async def dated_lessons(
    session: AsyncSession, first: dt.date, last: dt.date
) -> list[tuple[models.LessonRow, list[str]]]:
    """Stored lessons dated first..last (inclusive) with their classroom ids, by start."""
    query = select(models.LessonRow).where(
        col(models.LessonRow.date) >= first, col(models.LessonRow.date) <= last
    )
    lessons = list((await session.exec(query.order_by(col(models.LessonRow.start)))).all())
    rooms = await classrooms_by_lesson(session, lessons)
    return [(lesson, rooms[lesson.key]) for lesson in lessons]


def grid_school(directory: Directory, kind: str, object_id: str) -> domain.School:
    """The school whose bell times and zone the grid uses."""
    school_id = {
        "school": lambda: object_id,
        "classroom": lambda: directory.classrooms[object_id].school_id,
        "teacher": lambda: directory.teachers[object_id].school_id,
        "assistant": lambda: directory.assistants[object_id].school_id,
    }[kind]()
    return directory.schools[school_id]


def _wants(directory: Directory, kind: str, object_id: str) -> tuple[set[str], set[str]]:
    """The teachers and the classrooms whose lessons belong on the grid."""
    if kind == "teacher":
        return {object_id}, set()
    if kind == "classroom":
        return set(), {object_id}
    if kind == "assistant":
        rooms = {c.id for c in directory.bundle.classrooms if c.assistant_id == object_id}
        return set(), rooms
    rooms = {c.id for c in directory.bundle.classrooms if c.school_id == object_id}
    return {t.id for t in directory.bundle.network_teachers if t.school_id == object_id}, rooms


def bell_periods(bundle: domain.Bundle, schedule_id: str) -> dict[int, list[domain.BellPeriod]]:
    by_weekday: dict[int, list[domain.BellPeriod]] = defaultdict(list)
    for period in bundle.bell_periods:
        if period.bell_schedule_id == schedule_id:
            by_weekday[period.weekday].append(period)
    return by_weekday


def _rows(by_weekday: dict[int, list[domain.BellPeriod]]) -> list[Period]:
    first: dict[int, domain.BellPeriod] = {}
    for weekday in sorted(by_weekday):
        for period in by_weekday[weekday]:
            first.setdefault(period.period, period)
    return [Period(n, p.start, p.end) for n, p in sorted(first.items())]


def _overlapping(periods: list[domain.BellPeriod], cell: Cell) -> tuple[Period, ...]:
    start, end = cell.start.time(), cell.end.time()
    return tuple(
        Period(p.period, p.start, p.end) for p in periods if p.start < end and start < p.end
    )


def teaching_school(
    directory: Directory, teacher_id: str, lessons: list[tuple[models.LessonRow, list[str]]]
) -> domain.School:
    """Where a teacher's lessons are taught: the school most of the week's receiving
    classrooms belong to (its bells say which period a lesson is); else their own."""
    schools = Counter(
        directory.classrooms[room].school_id
        for lesson, rooms in lessons
        if lesson.teacher_id == teacher_id
        for room in rooms
        if room in directory.classrooms
    )
    if not schools:
        return directory.schools[directory.teachers[teacher_id].school_id]
    return directory.schools[schools.most_common(1)[0][0]]


def _period_of(periods: list[domain.BellPeriod], start: dt.time) -> int | None:
    for period in periods:
        if period.start <= start < period.end:
            return period.period
    return None


def _cell(
    lesson: models.LessonRow, rooms: list[str], directory: Directory, zone: ZoneInfo, lang: str
) -> Cell:
    teacher = directory.teachers.get(lesson.teacher_id)
    return Cell(
        key=lesson.key,
        subject=directory.subject_name(lesson.subject_id, lang),
        teacher=teacher.name if teacher else lesson.teacher_id,
        classrooms=tuple(directory.owner_name_of_classroom(room) for room in rooms),
        start=lesson.start.astimezone(zone),
        end=lesson.end.astimezone(zone),
        status=lesson.status,
        conflicts=tuple(_conflict_text(c) for c in lesson.conflicts),
        teacher_id=lesson.teacher_id,
        classroom_ids=tuple(rooms),
    )


def _conflict_text(conflict: dict[str, object]) -> str:
    parts = (
        conflict.get("reason"),
        conflict.get("party_id"),
        conflict.get("day_name"),
        conflict.get("other_lesson"),
    )
    return " ".join(str(part) for part in parts if part)


def _title(directory: Directory, kind: str, object_id: str) -> str:
    if kind == "classroom":
        return directory.owner_name_of_classroom(object_id)
    return {
        "school": lambda: directory.schools[object_id].name,
        "teacher": lambda: directory.teachers[object_id].name,
        "assistant": lambda: directory.assistants[object_id].name,
    }[kind]()


async def _unmet(
    session: AsyncSession, directory: Directory, rooms: set[str], lang: str
) -> list[UnmetView]:
    try:
        _, plan = await load_plan(session)
    except NotFoundError:
        return []
    return [
        UnmetView(
            classroom=directory.owner_name_of_classroom(u.classroom_id),
            subject=directory.subject_name(u.subject_id, lang),
            periods=u.periods,
            reason=u.reason.text_en if lang == "en" else u.reason.text_zh,
        )
        for u in plan.unmet
        if u.classroom_id in rooms
    ]


def _check(directory: Directory, scope: Scope, kind: str, object_id: str) -> None:
    known: dict[str, set[str]] = {
        "school": set(directory.schools),
        "classroom": set(directory.classrooms),
        "teacher": set(directory.teachers),
        "assistant": set(directory.assistants),
    }
    if object_id not in known.get(kind, set()) or not scope.sees(kind, object_id):
        raise NotFoundError(f"{kind}:{object_id}: no such timetable")


async def week_grid(
    store: Store,
    directory: Directory,
    scope: Scope,
    *,
    kind: str,
    object_id: str,
    week: dt.date,
    language: str,
) -> WeekGrid:
    """The week of `week`'s Monday for one object, in its school's bell times and zone."""
    _check(directory, scope, kind, object_id)
    school = own = grid_school(directory, kind, object_id)
    monday = monday_of(week)
    teachers, rooms = _wants(directory, kind, object_id)
    async with store.read() as session:
        lessons = await dated_lessons(
            session, monday - dt.timedelta(days=1), monday + dt.timedelta(days=7)
        )
        unmet = await _unmet(session, directory, rooms, language)
    if kind == "teacher":  # in the bells of the classrooms taught, the teacher's own beside
        school = teaching_school(directory, object_id, lessons)
    zone = ZoneInfo(school.time_zone)
    by_weekday = bell_periods(directory.bundle, school.bell_schedule_id)
    own_bells = bell_periods(directory.bundle, own.bell_schedule_id) if own != school else {}
    days = [monday + dt.timedelta(days=n) for n in range(7)]
    grid = WeekGrid(
        kind,
        object_id,
        _title(directory, kind, object_id),
        school.name,
        school.time_zone,
        days,
        _rows(by_weekday),
        unmet=unmet,
        own_school=own.name if own != school else "",
    )
    for lesson, lesson_rooms in lessons:
        if lesson.teacher_id not in teachers and not rooms.intersection(lesson_rooms):
            continue
        cell = _cell(lesson, lesson_rooms, directory, zone, language)
        local = cell.start.date()
        if not monday <= local < monday + dt.timedelta(days=7):
            continue
        if own_bells:
            overlapping = _overlapping(own_bells.get(local.isoweekday(), []), cell)
            cell = replace(cell, own_periods=overlapping)
        number = _period_of(by_weekday.get(local.isoweekday(), []), cell.start.time())
        if number is None:
            grid.off_bell.append(cell)
        else:
            grid.cells[(number, local.weekday())].append(cell)
    if not any(day >= 5 for _, day in grid.cells):
        grid.days = days[:5]
    return grid


@dataclass(frozen=True, slots=True)
class IndexEntry:
    kind: str
    object_id: str
    name: str


def grid_index(directory: Directory, scope: Scope) -> dict[str, list[IndexEntry]]:
    """Every grid the user may open, by kind."""
    index: dict[str, list[IndexEntry]] = {kind: [] for kind in GRID_KINDS}
    for school in directory.bundle.schools:
        if scope.sees("school", school.id):
            index["school"].append(IndexEntry("school", school.id, school.name))
    for room in directory.bundle.classrooms:
        if scope.sees("classroom", room.id):
            name = directory.owner_name_of_classroom(room.id)
            index["classroom"].append(IndexEntry("classroom", room.id, name))
    for teacher in directory.bundle.network_teachers:
        if scope.sees("teacher", teacher.id):
            index["teacher"].append(IndexEntry("teacher", teacher.id, teacher.name))
    for assistant in directory.bundle.assistants:
        if scope.sees("assistant", assistant.id):
            index["assistant"].append(IndexEntry("assistant", assistant.id, assistant.name))
    return index
