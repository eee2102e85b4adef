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
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlmodel.ext.asyncio.session import AsyncSession

from coordinator import domain, models
from coordinator.calendar import (
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
from coordinator.services.lessons.stored import (
    Dated,
    PublishSummary,
    cancel,
    reconcile,
    refresh,
    write_classrooms,
)
from coordinator.services.planning.plans import lesson_keys, load_plan, temporary_versions
from coordinator.store import Store
from coordinator.timetable.plan import Plan

log = logging.getLogger(__name__)


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
    """Each school's calendar for dating. Schools whose terms, special days and time zone are
    the same share one calendar object (named after the first of them), so each date is
    worked out once per distinct calendar: a province's 1,742 schools have a few dozen."""
    calendars: dict[str, SchoolCalendar] = {}
    shared: dict[tuple[object, ...], RememberingCalendar] = {}
    for school in bundle.schools:
        calendar = SchoolCalendar.for_school(school, bundle.terms, bundle.calendar_days)
        same = (calendar.time_zone, calendar.terms, tuple(calendar.days.items()))
        if same not in shared:
            values = {f.name: getattr(calendar, f.name) for f in dataclasses.fields(SchoolCalendar)}
            shared[same] = RememberingCalendar(**values)
        calendars[school.id] = shared[same]
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


async def current_layers(session: AsyncSession) -> list[Layer]:
    """The active version, then the temporary versions on top of it, oldest first."""
    enrolments = await stored_enrolments(session)
    base_id, base = await load_plan(session, unmet=False)
    keys = await lesson_keys(session, base_id)
    base, enrolled = lay_enrolments(base, keys, enrolments)
    layers = [Layer(base_id, base, keys, None, enrolled)]
    for version in await temporary_versions(session, base_id):
        if version.id is None or version.applies_from is None or version.applies_to is None:
            continue
        _, plan = await load_plan(session, version.id, unmet=False)
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
        summary = await reconcile(session, dated, now=now, today=today)
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
        cancel(row, now)
        return True
    summary = PublishSummary()
    if refresh(row, item.lesson, item.version_id, now):
        summary.changed.append(row.key)
    await write_classrooms(session, [item.lesson], summary, now)
    return bool(summary.changed)
