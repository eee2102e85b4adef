"""Rebalance: minimal change around the event, and a diff an admin can preview."""

from __future__ import annotations

import dataclasses
import datetime as dt

from coordinator.domain import Bundle
from coordinator.timetable import (
    BusyBlocksChanged,
    Change,
    ClassroomAdded,
    ClassroomRemoved,
    NeedAdded,
    NeedRemoved,
    Plan,
    RebalanceResult,
    Session,
    TeacherUnavailable,
    apply_change,
    build_problem,
    rebalance,
    validate_plan,
)
from coordinator.timetable.diff import Slot, diff_plans

from .factories import (
    TEST_OPTIONS,
    busy,
    daily,
    make_bundle,
    need,
    pinned,
    room,
    solved,
    teacher,
)

PERIODS = daily("rural", [("09:00", "09:40"), ("10:00", "10:40")], weekdays=(1, 2))


def county() -> Bundle:
    """t1 and t2 can each give two lessons; c1 (grade 3) and c2 (grade 5) need two each."""
    return make_bundle(
        teachers=[
            teacher("t1", grades=(3, 5), per_week=2),
            teacher("t2", grades=(3, 5), per_week=2),
        ],
        classrooms=[room("c1"), room("c2", grade=5)],
        needs=[need("c1", periods=2), need("c2", periods=2)],
        periods=PERIODS,
    )


def rebalanced(bundle: Bundle, change: Change) -> tuple[Plan, RebalanceResult]:
    _, before = solved(bundle)
    problem = build_problem(apply_change(bundle, change), TEST_OPTIONS)
    result = rebalance(problem, before, change)
    assert validate_plan(problem, result.plan) == []
    return before, result


def teacher_of(plan: Plan, room_id: str) -> set[str]:
    return {s.teacher_id for s in plan.sessions if room_id in s.classroom_ids}


def test_rebalance_teacher_off_one_weekday_moves_only_their_lesson() -> None:
    before, result = rebalanced(county(), TeacherUnavailable("t1", weekdays=(1,)))
    t1_rooms = {r for s in before.sessions if s.teacher_id == "t1" for r in s.classroom_ids}
    assert (len(result.diff.kept), len(result.diff.moved), result.unaffected_changed) == (3, 1, 0)
    assert [c.classroom_id for c in result.diff.moved] == sorted(t1_rooms)
    assert result.plan.stats.delivered_periods == 4


def test_rebalance_teacher_gone_for_good_reassigns_what_fits() -> None:
    before, result = rebalanced(county(), TeacherUnavailable("t1"))
    assert result.unaffected_changed == 0
    assert len(result.diff.kept) == 2  # t2's lessons stay
    assert len(result.diff.cancelled) == 2  # t2 is full: t1's classroom loses its lessons
    assert [u.reason.code for u in result.plan.unmet] == ["qualified_teachers_full"]
    assert result.affected_teacher_ids == frozenset({"t1"})
    assert before.stats.delivered_periods == 4


def test_rebalance_busy_block_moves_the_clashing_lesson() -> None:
    blocks = (busy("t2", 2, "08:00", "12:00"),)
    _, result = rebalanced(county(), BusyBlocksChanged("t2", blocks))
    assert result.unaffected_changed == 0
    assert all(c.after is not None and c.after.weekday == 1 for c in result.diff.moved)
    assert result.plan.stats.delivered_periods == 4


def test_rebalance_new_classroom_joins_a_running_broadcast() -> None:
    change = ClassroomAdded(room("c3"), (need("c3", periods=2),))
    _, result = rebalanced(county(), change)
    assert (len(result.diff.kept), len(result.diff.added), result.unaffected_changed) == (4, 2, 0)
    assert result.plan.stats.delivered_periods == 6


def test_rebalance_removed_need_cancels_only_its_lessons() -> None:
    _, result = rebalanced(county(), NeedRemoved("c2", "music"))
    assert [c.classroom_id for c in result.diff.cancelled] == ["c2", "c2"]
    assert (len(result.diff.kept), result.unaffected_changed) == (2, 0)


def test_rebalance_removed_classroom_cancels_only_its_lessons() -> None:
    _, result = rebalanced(county(), ClassroomRemoved("c1"))
    assert [c.classroom_id for c in result.diff.cancelled] == ["c1", "c1"]
    assert len(result.diff.kept) == 2


def test_rebalance_added_need_is_delivered_or_explained() -> None:
    bundle = county()
    change = NeedAdded(need("c1", "art"))
    _, result = rebalanced(bundle, change)
    assert len(result.diff.kept) == 4
    assert [(u.subject_id, u.reason.code) for u in result.plan.unmet] == [
        ("art", "no_qualified_teacher")
    ]


def lesson(teacher_id: str, weekday: int, hour: int, rooms: tuple[str, ...]) -> Session:
    start = dt.time(hour, 0)
    end = dt.time(hour, 40)
    return Session(f"{teacher_id}{weekday}{hour}", teacher_id, "music", weekday, start, end, rooms)


def test_diff_plans_sorts_lessons_into_kinds() -> None:
    before = Plan(
        "FEASIBLE",
        (
            lesson("t1", 1, 9, ("c1", "c2")),
            lesson("t1", 2, 9, ("c1",)),
            lesson("t2", 1, 10, ("c3",)),
        ),
    )
    after = Plan(
        "FEASIBLE",
        (
            lesson("t1", 1, 9, ("c1",)),
            lesson("t1", 3, 9, ("c1",)),
            lesson("t3", 1, 10, ("c3", "c4")),
        ),
    )
    diff = diff_plans(before, after)
    assert [c.classroom_id for c in diff.kept] == ["c1"]
    assert [(c.before, c.after) for c in diff.moved] == [
        (Slot("t1", 2, dt.time(9)), Slot("t1", 3, dt.time(9)))
    ]
    assert [(c.classroom_id, c.after) for c in diff.reassigned] == [
        ("c3", Slot("t3", 1, dt.time(10)))
    ]
    assert [c.classroom_id for c in diff.cancelled] == ["c2"]
    assert [c.classroom_id for c in diff.added] == ["c4"]


def test_rebalance_keeps_pinned_sessions_and_their_classrooms() -> None:
    bundle = dataclasses.replace(
        county(),
        pinned_sessions=(pinned("p1", "t2", 1, "09:00", "09:40", grades=(3, 5), capacity=1),),
    )
    before, result = rebalanced(bundle, TeacherUnavailable("t1", weekdays=(2,)))
    pinned_before = [s for s in before.sessions if s.pinned_id]
    pinned_after = [s for s in result.plan.sessions if s.pinned_id]
    assert pinned_after == pinned_before
    assert result.unaffected_changed == 0
