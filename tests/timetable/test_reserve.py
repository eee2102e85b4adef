"""Self-enrolments kept through a re-plan: the solver plans around them."""

from __future__ import annotations

import dataclasses

from coordinator.domain import Bundle
from coordinator.timetable.build import build_problem
from coordinator.timetable.clock import overlaps
from coordinator.timetable.lessons import session_interval
from coordinator.timetable.plan import Plan
from coordinator.timetable.reserve import reserve_enrolled
from coordinator.timetable.solve import solve
from coordinator.timetable.validate import validate_plan

from .factories import TEST_OPTIONS, daily, make_bundle, need, pinned, room, teacher

PERIODS = daily("rural", [("09:00", "09:40"), ("10:00", "10:40")], weekdays=(1, 2))


def county() -> Bundle:
    """c1 joined the open art course p1 (Monday 09:00) itself; c2 shares c1's assistant."""
    return make_bundle(
        teachers=[teacher("t1"), teacher("t2", subjects=("art",))],
        classrooms=[
            room("c1", assistant="a-one"),
            room("c2", assistant="a-one"),
            room("c3"),
            room("c4"),
        ],
        needs=[need("c1", periods=4), need("c2", periods=3), need("c1", "art")],
        periods=PERIODS,
        pinned_sessions=(
            pinned("p1", "t2", 1, "09:00", "09:40", subject_id="art", capacity=3, open=True),
        ),
    )


def with_c1_in_p1(plan: Plan) -> Plan:
    return dataclasses.replace(
        plan,
        sessions=tuple(
            dataclasses.replace(s, classroom_ids=(*s.classroom_ids, "c1"))
            if s.pinned_id == "p1"
            else s
            for s in plan.sessions
        ),
    )


def test_kept_enrolment_is_busy_for_the_classroom_and_its_assistant() -> None:
    problem = build_problem(county(), TEST_OPTIONS)
    reserved = reserve_enrolled(problem, [("p1", "c1"), ("p-gone", "c1"), ("p1", "c-gone")])
    plan = solve(reserved)
    assert validate_plan(reserved, plan) == []
    p1 = next(s for s in plan.sessions if s.pinned_id == "p1")
    course = session_interval(problem, 1, p1)
    for s in plan.sessions:
        if {"c1", "c2"} & set(s.classroom_ids):
            teacher = problem.teacher_index()[s.teacher_id]
            assert not overlaps(session_interval(problem, teacher, s), course), s
    assert len(p1.classroom_ids) <= 2  # a seat kept for c1
    art = [s for s in plan.sessions if s.subject_id == "art" and "c1" in s.classroom_ids]
    assert art == []  # the course is its weekly art lesson already
    assert validate_plan(problem, with_c1_in_p1(plan)) == []


def test_without_the_reservation_the_plan_breaks_once_the_classroom_is_laid_in() -> None:
    problem = build_problem(county(), TEST_OPTIONS)
    plan = solve(problem)
    assert validate_plan(problem, with_c1_in_p1(plan)) != []


def test_nothing_kept_leaves_the_problem_as_it_is() -> None:
    problem = build_problem(county(), TEST_OPTIONS)
    assert reserve_enrolled(problem, []) is problem
