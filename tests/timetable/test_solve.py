"""Whole solves: deterministic for a seed, valid at every size, JSON as the CLI prints it."""

from __future__ import annotations

import dataclasses

from coordinator.bundle.synthetic import generate_bundle
from coordinator.timetable import (
    build_problem,
    greedy_plan,
    plan_to_json,
    quick_bound,
    solve,
    validate_plan,
)

from .factories import TEST_OPTIONS, daily, make_bundle, need, room, solved, teacher, with_options


def test_solve_same_seed_gives_the_same_plan() -> None:
    bundle = generate_bundle(classrooms=12, teachers=5, seed=3)
    options = with_options(time_limit_s=30.0, deterministic_time=0.1, monolithic_max_options=10**6)
    problem = build_problem(bundle, options)
    first, second = solve(problem), solve(problem)
    assert first.sessions == second.sessions
    assert validate_plan(problem, first) == []


def test_greedy_plan_is_valid_and_explains_what_it_leaves() -> None:
    bundle = generate_bundle(classrooms=30, teachers=10, seed=5)
    problem = build_problem(bundle, TEST_OPTIONS)
    plan = greedy_plan(problem)
    assert plan.status == "GREEDY"
    assert validate_plan(problem, plan) == []
    assert plan.stats.delivered_periods <= plan.stats.upper_bound_periods
    missing = plan.stats.demand_periods - plan.stats.delivered_periods
    assert sum(u.periods for u in plan.unmet) == missing


def test_decomposition_improves_a_valid_plan_in_its_time() -> None:
    bundle = generate_bundle(classrooms=30, teachers=10, seed=5)
    options = dataclasses.replace(
        TEST_OPTIONS, monolithic_max_options=0, time_limit_s=2.0, lns_subsolve_s=0.5
    )
    problem = build_problem(bundle, options)
    plan = solve(problem)
    assert validate_plan(problem, plan) == []
    assert plan.stats.delivered_periods >= greedy_plan(problem).stats.delivered_periods
    assert plan.stats.delivered_periods <= quick_bound(problem)


def test_plan_to_json_has_the_cli_shape() -> None:
    bundle = make_bundle(
        teachers=[teacher("t1", grades=(5,))],
        classrooms=[room("c1"), room("c2", grade=5)],
        needs=[need("c1"), need("c2")],
        periods=daily("rural", [("09:00", "09:40")], weekdays=(3,)),
    )
    _, plan = solved(bundle)
    data = plan_to_json(plan)
    assert {k: data[k] for k in ("status", "demand_periods", "delivered_periods")} == {
        "status": "OPTIMAL",
        "demand_periods": 2,
        "delivered_periods": 1,
    }
    assert data["sessions"] == [
        {
            "id": "t1.music.3.0900",
            "teacher_id": "t1",
            "subject": "music",
            "weekday": 3,
            "start": "09:00",
            "end": "09:40",
            "classroom_ids": ["c2"],
            "pinned": False,
        }
    ]
    [unmet] = data["unmet"]
    assert (unmet["classroom_id"], unmet["subject"], unmet["periods"], unmet["reason"]) == (
        "c1",
        "music",
        1,
        "no_qualified_teacher",
    )
    assert set(data) >= {"upper_bound_periods", "wall_seconds", "continuity"}


def test_decomposition_replays_with_fixed_steps_and_work_units() -> None:
    bundle = generate_bundle(classrooms=20, teachers=8, seed=2)
    options = dataclasses.replace(
        TEST_OPTIONS,
        monolithic_max_options=0,
        lns_steps=3,
        deterministic_time=0.05,
        lns_subsolve_s=30.0,
    )
    problem = build_problem(bundle, options)
    first, second = solve(problem), solve(problem)
    assert first.sessions == second.sessions
    assert validate_plan(problem, first) == []
