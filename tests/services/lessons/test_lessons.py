"""Dated lessons from the active plan: term calendar, 调休, conflicts, revisions, history."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlmodel import select

from coordinator import domain, models
from coordinator.services.data.imports import import_bundle
from coordinator.services.lessons.dated import publish_lessons
from coordinator.services.planning.plans import load_plan, save_plan
from coordinator.services.planning.solve import solve_and_store
from coordinator.settings import SolverSettings
from coordinator.store import Store
from tests.factories import small_bundle

NOW = dt.datetime(2026, 8, 30, 1, 0, tzinfo=dt.UTC)
TERM_START = dt.date(2026, 9, 1)
SOLVER = SolverSettings(num_workers=1, time_limit_s=10)


async def plan_and_publish(
    store: Store, bundle: domain.Bundle, today: dt.date = TERM_START, now: dt.datetime = NOW
) -> None:
    await import_bundle(store, bundle, source="test", now=now)
    await solve_and_store(store, SOLVER, now=now)
    await publish_lessons(store, now=now, today=today)


async def lessons(store: Store) -> list[models.LessonRow]:
    async with store.read() as session:
        rows = (await session.exec(select(models.LessonRow))).all()
    return sorted(rows, key=lambda row: row.key)


async def classrooms_of(store: Store, key: str) -> list[str]:
    async with store.read() as session:
        query = select(models.LessonClassroomRow).where(models.LessonClassroomRow.lesson_key == key)
        return sorted(link.classroom_id for link in (await session.exec(query)).all())


async def weekdays_planned(store: Store) -> list[int]:
    async with store.read() as session:
        return [s.weekday for s in (await session.exec(select(models.PlannedSessionRow))).all()]


async def test_holiday_has_no_lessons_and_makeup_day_runs_the_weekday_it_follows(
    store: Store,
) -> None:
    await plan_and_publish(store, small_bundle())
    rows = await lessons(store)
    on = {
        day: [r for r in rows if r.date == day]
        for day in (dt.date(2026, 10, 1), dt.date(2026, 10, 10))
    }
    fridays = (await weekdays_planned(store)).count(5)
    assert on[dt.date(2026, 10, 1)] == []
    assert len(on[dt.date(2026, 10, 10)]) == fridays


async def test_every_lesson_starts_at_its_session_time_in_utc(store: Store) -> None:
    await plan_and_publish(store, small_bundle())
    async with store.read() as session:
        sessions = {
            s.session_id: s for s in (await session.exec(select(models.PlannedSessionRow))).all()
        }
    for row in await lessons(store):
        planned = sessions[row.session_key]
        local = row.start.astimezone(dt.timezone(dt.timedelta(hours=8)))
        assert (local.time(), row.start.tzinfo) == (planned.start, dt.UTC)


async def test_closure_of_one_school_is_a_conflict_not_a_silent_drop(store: Store) -> None:
    await plan_and_publish(store, small_bundle())
    closed = [r for r in await lessons(store) if r.date == dt.date(2026, 11, 27)]
    west = [r for r in closed if any(c["party_id"] == "c-west-3" for c in r.conflicts)]
    for row in west:
        assert "c-west-3" not in await classrooms_of(store, row.key)
        assert row.conflicts[0]["reason"] == "classroom_no_school"


async def test_publishing_twice_changes_nothing(store: Store) -> None:
    await plan_and_publish(store, small_bundle())
    before = await lessons(store)
    summary = await publish_lessons(store, now=NOW + dt.timedelta(hours=1), today=TERM_START)
    assert summary.counts()["unchanged"] == len(before)
    assert summary.added == summary.changed == summary.cancelled == []
    assert [r.model_dump() for r in await lessons(store)] == [r.model_dump() for r in before]


async def test_dropped_need_cancels_future_lessons_and_keeps_past_ones(store: Store) -> None:
    await plan_and_publish(store, small_bundle())
    later = NOW + dt.timedelta(days=30)
    today = dt.date(2026, 10, 12)
    without_art = small_bundle(
        needs=tuple(n for n in small_bundle().needs if n.subject_id != "art")
    )
    await plan_and_publish(store, without_art, today=today, now=later)
    art = [r for r in await lessons(store) if r.subject_id == "art"]
    past = [r for r in art if r.date < today]
    future = [r for r in art if r.date >= today]
    assert past
    assert future
    assert {(r.status, r.revision, r.changed_at) for r in past} == {("scheduled", 0, NOW)}
    assert {(r.status, r.revision, r.cancelled_at) for r in future} == {("cancelled", 1, later)}


async def test_changed_classroom_set_bumps_revision_of_that_session_only(store: Store) -> None:
    await plan_and_publish(store, small_bundle())
    async with store.read() as session:
        version_id, plan = await load_plan(session)
    first, *others = plan.sessions
    other = ("c-west-3",) if first.classroom_ids != ("c-west-3",) else ("c-east-3",)
    fewer = dataclasses.replace(first, classroom_ids=other)
    later = NOW + dt.timedelta(days=1)
    async with store.write() as session:
        await save_plan(
            session,
            dataclasses.replace(plan, sessions=(fewer, *others)),
            kind="rebalance",
            now=later,
            seed=0,
            time_limit_s=0,
            parent_id=version_id,
        )
    await publish_lessons(store, now=later, today=TERM_START)
    rows = await lessons(store)
    changed = {r.session_key for r in rows if (r.revision, r.changed_at) == (1, later)}
    untouched = {r.session_key for r in rows if (r.revision, r.changed_at) == (0, NOW)}
    assert changed == {first.id}
    assert untouched == {s.id for s in others}
    some = next(r for r in rows if r.session_key == first.id)
    assert await classrooms_of(store, some.key) == sorted(fewer.classroom_ids)
