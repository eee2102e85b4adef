"""Rebalancing: preview stores nothing; apply changes only what the change touches."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from coordinator import models
from coordinator.services.imports import import_bundle
from coordinator.services.lessons import publish_lessons
from coordinator.services.planning import solve_and_store
from coordinator.services.plans import active_version
from coordinator.services.rebalancing import (
    StalePreviewError,
    apply_rebalance,
    preview_rebalance,
)
from coordinator.settings import SolverSettings
from coordinator.store import Store
from coordinator.timetable.changes import NeedRemoved, TeacherUnavailable
from tests.factories import small_bundle

NOW = dt.datetime(2026, 11, 20, 1, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 20)
SICK = (dt.date(2026, 11, 23), dt.date(2026, 11, 29))
SOLVER = SolverSettings(num_workers=1, time_limit_s=10)


async def published(store: Store) -> None:
    await import_bundle(store, small_bundle(), source="test", now=NOW)
    await solve_and_store(store, SOLVER, now=NOW)
    await publish_lessons(store, now=NOW, today=TODAY)


async def lessons(store: Store) -> dict[str, models.LessonRow]:
    async with store.read() as session:
        return {row.key: row for row in (await session.exec(select(models.LessonRow))).all()}


async def test_preview_stores_nothing_and_keeps_unaffected_lessons(store: Store) -> None:
    await published(store)
    before = await lessons(store)
    preview = await preview_rebalance(store, SOLVER, TeacherUnavailable("t-chen"))
    result = preview.result
    assert result.unaffected_changed == 0
    assert all(
        c.before is None or c.before.teacher_id == "t-chen"
        for c in (*result.diff.moved, *result.diff.reassigned, *result.diff.cancelled)
    )
    assert not any(s.teacher_id == "t-chen" for s in result.plan.sessions)
    assert await lessons(store) == before


async def test_sick_week_changes_only_that_week_and_keeps_lesson_identity(store: Store) -> None:
    await published(store)
    before = await lessons(store)
    later = NOW + dt.timedelta(hours=2)
    preview = await preview_rebalance(store, SOLVER, TeacherUnavailable("t-chen"), SICK)
    applied = await apply_rebalance(store, preview, now=later, today=TODAY)
    after = await lessons(store)
    in_week = {k for k, row in before.items() if SICK[0] <= row.date <= SICK[1]}
    chen = {k for k in in_week if before[k].teacher_id == "t-chen"}
    assert chen
    for key in chen:
        row = after[key]
        assert row.status == "cancelled" or row.teacher_id == "t-wang"
        assert (row.revision, row.changed_at) == (before[key].revision + 1, later)
    outside = {k for k, row in before.items() if not SICK[0] <= row.date <= SICK[1]}
    assert {k: after[k].revision for k in outside} == {k: before[k].revision for k in outside}
    assert all(after[k].teacher_id == before[k].teacher_id for k in outside)
    async with store.read() as session:
        active = await active_version(session)
    assert active is not None
    assert active.id == preview.base_version_id
    assert applied.version_id != active.id


async def test_reassigned_lesson_keeps_its_key_for_the_classroom(store: Store) -> None:
    await published(store)
    before = await lessons(store)
    preview = await preview_rebalance(store, SOLVER, TeacherUnavailable("t-chen"), SICK)
    await apply_rebalance(store, preview, now=NOW + dt.timedelta(hours=1), today=TODAY)
    after = await lessons(store)
    moved_to_wang = [
        k for k in before if before[k].teacher_id == "t-chen" and after[k].teacher_id == "t-wang"
    ]
    reassigned = preview.result.diff.reassigned
    assert bool(moved_to_wang) == any(
        c.after and c.after.teacher_id == "t-wang" for c in reassigned
    )


async def test_permanent_change_becomes_the_active_version(store: Store) -> None:
    await published(store)
    preview = await preview_rebalance(store, SOLVER, NeedRemoved("c-east-4", "art"))
    applied = await apply_rebalance(store, preview, now=NOW + dt.timedelta(hours=1), today=TODAY)
    async with store.read() as session:
        active = await active_version(session)
    assert active is not None
    assert active.id == applied.version_id
    art = [row for row in (await lessons(store)).values() if row.subject_id == "art"]
    assert art
    assert {row.status for row in art} == {"cancelled"}


async def test_stale_preview_is_refused(store: Store) -> None:
    await published(store)
    preview = await preview_rebalance(store, SOLVER, TeacherUnavailable("t-chen"))
    await solve_and_store(store, SOLVER, now=NOW + dt.timedelta(minutes=5))
    with pytest.raises(StalePreviewError, match="preview the change again"):
        await apply_rebalance(store, preview, now=NOW + dt.timedelta(minutes=6), today=TODAY)


async def test_unavailable_teacher_of_a_pinned_session_cancels_it(store: Store) -> None:
    await published(store)
    preview = await preview_rebalance(store, SOLVER, TeacherUnavailable("t-wang"), SICK)
    assert not any(s.pinned_id == "p-open-music" for s in preview.result.plan.sessions)
    await apply_rebalance(store, preview, now=NOW + dt.timedelta(hours=1), today=TODAY)
    pinned = [
        row
        for row in (await lessons(store)).values()
        if row.session_key.startswith("p-open-music") and SICK[0] <= row.date <= SICK[1]
    ]
    assert pinned
    assert {row.status for row in pinned} == {"cancelled"}
