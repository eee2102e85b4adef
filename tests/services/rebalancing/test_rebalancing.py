"""Rebalancing: preview stores nothing; apply changes only what the change touches, audited."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import col, select

from coordinator import models
from coordinator.cli import main
from coordinator.domain import Need, Subject
from coordinator.services.data.imports import import_bundle
from coordinator.services.lessons.dated import publish_lessons
from coordinator.services.planning.plans import active_version, save_plan
from coordinator.services.planning.solve import solve_and_store
from coordinator.services.rebalancing.changes import RebalanceInputError
from coordinator.services.rebalancing.keys import follow_keys
from coordinator.services.rebalancing.proposals import (
    OverlapError,
    StalePreviewError,
    apply_rebalance,
    preview_rebalance,
)
from coordinator.settings import SolverSettings
from coordinator.store import Store
from coordinator.store.schema import upgrade
from coordinator.timetable.changes import NeedAdded, NeedRemoved, TeacherUnavailable
from coordinator.timetable.plan import Plan, Session
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
    applied = await apply_rebalance(store, preview, now=later, today=TODAY, actor="test")
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
    await apply_rebalance(
        store, preview, now=NOW + dt.timedelta(hours=1), today=TODAY, actor="test"
    )
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
    applied = await apply_rebalance(
        store, preview, now=NOW + dt.timedelta(hours=1), today=TODAY, actor="test"
    )
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
        await apply_rebalance(
            store, preview, now=NOW + dt.timedelta(minutes=6), today=TODAY, actor="test"
        )


async def test_unavailable_teacher_of_a_pinned_session_cancels_it(store: Store) -> None:
    await published(store)
    preview = await preview_rebalance(store, SOLVER, TeacherUnavailable("t-wang"), SICK)
    assert not any(s.pinned_id == "p-open-music" for s in preview.result.plan.sessions)
    await apply_rebalance(
        store, preview, now=NOW + dt.timedelta(hours=1), today=TODAY, actor="test"
    )
    pinned = [
        row
        for row in (await lessons(store)).values()
        if row.session_key.startswith("p-open-music") and SICK[0] <= row.date <= SICK[1]
    ]
    assert pinned
    assert {row.status for row in pinned} == {"cancelled"}


async def test_preview_lists_exactly_the_dated_lessons_applying_touches(store: Store) -> None:
    await published(store)
    before = await lessons(store)
    preview = await preview_rebalance(
        store, SOLVER, TeacherUnavailable("t-wang"), SICK, today=TODAY
    )
    await apply_rebalance(store, preview, now=NOW + dt.timedelta(hours=1), today=TODAY, actor="t")
    after = await lessons(store)
    touched = {
        k for k, row in after.items() if k not in before or row.revision != before[k].revision
    }
    assert touched
    assert {change.key for change in preview.dated} == touched
    for change in preview.dated:
        row = after[change.key]
        if change.after is None:
            assert row.status == "cancelled"
        else:
            assert (row.teacher_id, row.start) == (change.after.teacher_id, change.after.start)


async def test_temporary_changes_may_not_overlap(store: Store) -> None:
    await published(store)
    first = await preview_rebalance(store, SOLVER, TeacherUnavailable("t-wang"), SICK)
    await apply_rebalance(store, first, now=NOW, today=TODAY, actor="t", note="王丽 sick")
    overlapping = (dt.date(2026, 11, 27), dt.date(2026, 12, 4))
    with pytest.raises(OverlapError, match="2026-11-23 to 2026-11-29") as refused:
        await preview_rebalance(store, SOLVER, TeacherUnavailable("t-chen"), overlapping)
    later = (dt.date(2026, 11, 30), dt.date(2026, 12, 4))
    second = await preview_rebalance(store, SOLVER, TeacherUnavailable("t-chen"), later)
    from_now_on = await preview_rebalance(
        store, SOLVER, NeedRemoved("c-east-4", "art"), today=TODAY
    )
    assert refused.value.held.note == "王丽 sick"
    assert second.dates == later
    assert [held.version_id for held in from_now_on.in_force] == [first.base_version_id + 1]


async def test_preview_is_stale_after_an_import_or_another_temporary_change(store: Store) -> None:
    await published(store)
    preview = await preview_rebalance(store, SOLVER, TeacherUnavailable("t-wang"), SICK)
    other = await preview_rebalance(
        store, SOLVER, TeacherUnavailable("t-chen"), (dt.date(2026, 12, 7), dt.date(2026, 12, 8))
    )
    await apply_rebalance(store, other, now=NOW, today=TODAY, actor="t")
    with pytest.raises(StalePreviewError):
        await apply_rebalance(store, preview, now=NOW, today=TODAY, actor="t")
    fresh = await preview_rebalance(store, SOLVER, TeacherUnavailable("t-wang"), SICK)
    bundle = small_bundle()
    await import_bundle(
        store,
        dataclasses.replace(bundle, subjects=(*bundle.subjects, Subject("sci", "科学", "Science"))),
        source="test",
        now=NOW,
    )
    with pytest.raises(StalePreviewError):
        await apply_rebalance(store, fresh, now=NOW, today=TODAY, actor="t")


async def test_change_naming_what_the_data_lacks_is_refused(store: Store) -> None:
    await published(store)
    with pytest.raises(RebalanceInputError, match="teacher 't-nobody' is not in the current data"):
        await preview_rebalance(store, SOLVER, TeacherUnavailable("t-nobody"))
    with pytest.raises(RebalanceInputError, match="has no need for 'art'"):
        await preview_rebalance(store, SOLVER, NeedRemoved("c-east-3", "art"))


async def test_added_need_of_a_subject_already_needed_sets_its_periods(store: Store) -> None:
    await published(store)
    preview = await preview_rebalance(store, SOLVER, NeedAdded(Need("c-east-4", "art", 2)))
    delivered = sum(
        1
        for s in preview.result.plan.sessions
        if s.subject_id == "art" and "c-east-4" in s.classroom_ids
    )
    unmet = sum(
        u.periods
        for u in preview.result.plan.unmet
        if (u.classroom_id, u.subject_id) == ("c-east-4", "art")
    )
    assert delivered + unmet == 2


def test_substitute_merging_classrooms_follows_the_lesson_of_the_same_slot() -> None:
    def session(
        sid: str,
        teacher: str,
        day: int,
        hour: int,
        rooms: tuple[str, ...],
        pinned: str | None = None,
    ) -> Session:
        start = dt.time(hour, 10)
        return Session(sid, teacher, "music", day, start, dt.time(hour, 50), rooms, pinned)

    before = Plan(
        "OPTIMAL",
        (
            session("w-mon-10", "t-wang", 1, 10, ("c1",)),
            session("w-mon-11", "t-wang", 1, 11, ("c2",)),
            session("p-open", "t-wang", 2, 9, ("c1", "c2"), "p-open"),
        ),
    )
    after = Plan(
        "OPTIMAL",
        (
            session("c-mon-10", "t-chen", 1, 10, ("c1", "c2")),
            session("c-tue-9", "t-chen", 2, 9, ("c1",)),
        ),
    )
    keys = follow_keys(
        before, {"w-mon-10": "k-mon", "w-mon-11": "k-mon-11", "p-open": "k-open"}, after
    )
    # Monday: the same start wins. Tuesday: the pinned broadcast is not followed (and c2 would
    # lose it without a cancellation).
    assert keys == {"c-mon-10": "k-mon", "c-tue-9": "c-tue-9"}


def test_cli_apply_is_audited_as_cli(tmp_path: Path) -> None:
    path = tmp_path / "county.db"

    async def arranged() -> None:
        store = Store(str(path))
        try:
            await upgrade(store)
            await published(store)
        finally:
            await store.close()

    async def entries() -> list[models.AuditRow]:
        store = Store(str(path))
        try:
            async with store.read() as session:
                return list((await session.exec(select(models.AuditRow))).all())
        finally:
            await store.close()

    asyncio.run(arranged())
    args = ["--db", str(path), "rebalance", "--teacher-unavailable", "t-chen", "--apply"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    (entry,) = asyncio.run(entries())
    assert (entry.actor, entry.action, entry.object_kind) == (
        "cli",
        "timetable.rebalance",
        "timetable",
    )
    assert entry.details["change"] == {
        "kind": "TeacherUnavailable",
        "teacher_id": "t-chen",
        "weekdays": [],
    }
    assert set(entry.details["lessons"]) >= {"added", "changed", "cancelled"}


async def test_apply_waits_for_one_in_progress_and_then_finds_itself_stale(store: Store) -> None:
    await published(store)
    preview = await preview_rebalance(store, SOLVER, TeacherUnavailable("t-wang"), SICK)
    version = models.TimetableVersionRow
    async with store.write() as session:  # another apply, midway through its transaction
        await session.exec(select(version).where(col(version.active)).with_for_update())
        await save_plan(
            session,
            preview.result.plan,
            kind="rebalance",
            now=NOW,
            seed=0,
            time_limit_s=0,
            parent_id=preview.base_version_id,
            applies=(dt.date(2026, 12, 7), dt.date(2026, 12, 8)),
        )
        waiting = asyncio.create_task(
            apply_rebalance(store, preview, now=NOW, today=TODAY, actor="t")
        )
        await asyncio.sleep(0.5)
        assert not waiting.done()
    with pytest.raises(StalePreviewError):
        await waiting
