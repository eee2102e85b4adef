"""Building the problem: one clock for every bell schedule and zone, overrun, pinned checks."""

from __future__ import annotations

import pytest

from coordinator.timetable import ProblemError, build_problem

from .factories import (
    busy,
    daily,
    make_bundle,
    need,
    pinned,
    room,
    school,
    solved,
    teacher,
    with_options,
)

TWO_BELLS = (
    *daily("rural40", [("08:50", "09:30")], weekdays=(1,)),
    *daily("rural45", [("08:50", "09:35")], weekdays=(1,)),
)
TWO_BELL_SCHOOLS = (
    school("u1", "urban", rural=False),
    school("r1", "rural40"),
    school("r2", "rural45"),
)


def test_sessions_align_across_two_bell_schedules() -> None:
    bundle = make_bundle(
        teachers=[teacher("t1")],
        classrooms=[room("c1"), room("c2", school_id="r2")],
        needs=[need("c1"), need("c2")],
        periods=TWO_BELLS,
        schools=TWO_BELL_SCHOOLS,
    )
    _, plan = solved(bundle)
    assert [(s.classroom_ids, f"{s.start:%H:%M}") for s in plan.sessions] == [
        (("c1", "c2"), "08:50")
    ]


def test_longer_session_fits_a_shorter_period_only_within_the_overrun() -> None:
    bundle = make_bundle(
        teachers=[teacher("t1")],
        classrooms=[room("c1"), room("c2", school_id="r2")],
        needs=[need("c1"), need("c2")],
        periods=TWO_BELLS,
        schools=TWO_BELL_SCHOOLS,
    )
    within = build_problem(bundle, with_options(overrun_minutes=5))
    beyond = build_problem(bundle, with_options(overrun_minutes=4))
    lengths = [within.slots[s][1] - within.slots[s][0] for _, s in within.options_for(0)]
    assert sorted(lengths) == [40, 45]  # c1's 40-minute period takes the 45-minute session
    assert len(beyond.options_for(0)) == 1


def test_sessions_align_across_time_zones_in_the_teachers_clock() -> None:
    bundle = make_bundle(
        teachers=[teacher("t1")],
        classrooms=[room("c1")],
        needs=[need("c1")],
        periods=daily("rural", [("10:00", "10:40")], weekdays=(1,)),
        schools=(
            school("u1", "urban", rural=False),
            school("r1", "rural", zone="Asia/Tokyo"),
        ),
    )
    _, plan = solved(bundle)
    assert [(s.weekday, f"{s.start:%H:%M}", f"{s.end:%H:%M}") for s in plan.sessions] == [
        (1, "09:00", "09:40")
    ]


def test_busy_block_and_buffer_remove_options() -> None:
    bundle = make_bundle(
        teachers=[teacher("t1")],
        classrooms=[room("c1")],
        needs=[need("c1")],
        periods=daily("rural", [("09:00", "09:40")], weekdays=(1, 2)),
        busy_blocks=(busy("t1", 1, "09:45", "10:30"),),
    )
    assert len(build_problem(bundle, with_options(teacher_buffer_minutes=10)).options_for(0)) == 1
    assert len(build_problem(bundle, with_options(teacher_buffer_minutes=0)).options_for(0)) == 2


def test_teacher_school_closed_weekday_removes_options() -> None:
    bundle = make_bundle(
        teachers=[teacher("t1", school_id="u9")],
        classrooms=[room("c1")],
        needs=[need("c1")],
        periods=daily("rural", [("09:00", "09:40")], weekdays=(1, 2))
        + daily("urban9", [("08:00", "08:40")], weekdays=(2,)),
        schools=(school("u9", "urban9", rural=False), school("r1", "rural")),
    )
    problem = build_problem(bundle, with_options())
    assert [problem.day_of(t, s) for t, s in problem.options_for(0)] == [2]


def test_overlapping_pinned_sessions_are_refused() -> None:
    bundle = make_bundle(
        teachers=[teacher("t1")],
        classrooms=[room("c1")],
        needs=[need("c1")],
        periods=daily("rural", [("09:00", "09:40")], weekdays=(1,)),
        pinned_sessions=(
            pinned("p1", "t1", 1, "09:00", "09:40"),
            pinned("p2", "t1", 1, "09:30", "10:10"),
        ),
    )
    with pytest.raises(ProblemError, match="p1 and p2 overlap"):
        build_problem(bundle, with_options())


def test_pinned_session_in_a_busy_block_is_refused() -> None:
    bundle = make_bundle(
        teachers=[teacher("t1")],
        classrooms=[room("c1")],
        needs=[need("c1")],
        periods=daily("rural", [("09:00", "09:40")], weekdays=(1,)),
        pinned_sessions=(pinned("p1", "t1", 1, "09:00", "09:40"),),
        busy_blocks=(busy("t1", 1, "09:30", "10:00"),),
    )
    with pytest.raises(ProblemError, match="pinned session p1 falls when teacher t1 is busy"):
        build_problem(bundle, with_options())
