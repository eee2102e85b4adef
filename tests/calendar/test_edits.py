"""Hand edits laid over a dated lesson, and how successive edits of one lesson add up."""

from __future__ import annotations

import datetime as dt

import pytest

from coordinator.calendar import Conflict, ConflictReason, DatedLesson, DayType
from coordinator.calendar.edits import EditKind, HandEdit, apply_edit, next_edit

KEY = "wang-music-mon@2026-11-23"
PLANNED = dt.date(2026, 11, 23)
ZONE = "Asia/Shanghai"
UTC = dt.UTC


def planned() -> DatedLesson:
    return DatedLesson(
        key=KEY,
        uid=f"{KEY}@coordinator",
        session_key="wang-music-mon",
        date=PLANNED,
        teacher_id="t-wang",
        start=dt.datetime(2026, 11, 23, 2, 10, tzinfo=UTC),
        end=dt.datetime(2026, 11, 23, 2, 50, tzinfo=UTC),
        time_zone=ZONE,
        classroom_ids=("c-east-3",),
        conflicts=(
            Conflict(ConflictReason.TEACHER_EXAM, "t-wang", DayType.EXAM, "期中考试"),
            Conflict(ConflictReason.CLASSROOM_NO_SCHOOL, "c-west-3", DayType.CLOSURE, "停电"),
        ),
    )


def edit(previous: HandEdit | None, kind: EditKind, **changes: object) -> HandEdit:
    return next_edit(
        previous,
        kind,
        lesson_key=KEY,
        planned_date=PLANNED,
        time_zone=ZONE,
        **changes,  # type: ignore[arg-type]
    )


LATE_MONDAY = dt.datetime(2026, 11, 23, 16, 30, tzinfo=UTC)  # Tuesday 00:30 in Shanghai


def test_a_move_takes_the_new_time_and_the_local_date_and_keeps_identity() -> None:
    moved = apply_edit(
        planned(),
        edit(None, EditKind.MOVE, start=LATE_MONDAY, end=LATE_MONDAY + dt.timedelta(minutes=40)),
    )
    assert moved is not None
    assert (moved.key, moved.uid, moved.classroom_ids) == (KEY, f"{KEY}@coordinator", ("c-east-3",))
    assert (moved.date, moved.start, moved.conflicts) == (dt.date(2026, 11, 24), LATE_MONDAY, ())


def test_a_reassign_keeps_the_time_and_drops_only_the_old_teachers_conflicts() -> None:
    lesson = apply_edit(planned(), edit(None, EditKind.REASSIGN, teacher_id="t-chen"))
    assert lesson is not None
    assert (lesson.teacher_id, lesson.start, lesson.date) == ("t-chen", planned().start, PLANNED)
    assert [c.party_id for c in lesson.conflicts] == ["c-west-3"]


def test_a_cancelled_lesson_is_gone() -> None:
    assert apply_edit(planned(), edit(None, EditKind.CANCEL)) is None


def test_edits_add_up_and_restore_clears_them() -> None:
    start = dt.datetime(2026, 11, 24, 2, 10, tzinfo=UTC)
    moved = edit(None, EditKind.MOVE, start=start, end=start + dt.timedelta(minutes=40))
    reassigned = edit(moved, EditKind.REASSIGN, teacher_id="t-chen")
    cancelled = edit(reassigned, EditKind.CANCEL)
    made_up = edit(cancelled, EditKind.MOVE, start=start, end=start + dt.timedelta(minutes=40))
    restored = edit(made_up, EditKind.RESTORE)
    assert (reassigned.start, reassigned.teacher_id) == (start, "t-chen")
    assert (cancelled.cancelled, cancelled.teacher_id, cancelled.start) == (True, "t-chen", start)
    assert (made_up.cancelled, made_up.kind) == (False, EditKind.MOVE)
    assert restored == HandEdit(KEY, EditKind.RESTORE, PLANNED, ZONE)
    assert [e.overrides for e in (moved, cancelled, restored)] == [True, True, False]
    assert (moved.moved_to, restored.moved_to) == (dt.date(2026, 11, 24), None)


def test_a_restored_lesson_is_the_timetables_again() -> None:
    assert apply_edit(planned(), edit(None, EditKind.RESTORE)) == planned()


def test_a_move_needs_both_times_in_order() -> None:
    with pytest.raises(ValueError, match="needs a start and an end"):
        edit(None, EditKind.MOVE, start=LATE_MONDAY)
    with pytest.raises(ValueError, match="is not after start"):
        HandEdit(KEY, EditKind.MOVE, PLANNED, ZONE, LATE_MONDAY, LATE_MONDAY)
    with pytest.raises(ValueError, match="needs a network teacher"):
        edit(None, EditKind.REASSIGN)
