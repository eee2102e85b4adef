"""A solve's progress reports and its stop signal, on the plain solver."""

from __future__ import annotations

import dataclasses

from coordinator.bundle.synthetic import generate_bundle
from coordinator.timetable import build_problem, quick_bound, solve, validate_plan
from coordinator.timetable.progress import (
    CONSTRUCT,
    DONE,
    FINISH,
    IMPROVE,
    Progress,
    SolveControl,
)

from .factories import TEST_OPTIONS


def test_solve_reports_phases_in_order_up_to_the_plan_delivered() -> None:
    bundle = generate_bundle(classrooms=20, teachers=8, seed=4)
    problem = build_problem(bundle, dataclasses.replace(TEST_OPTIONS, time_limit_s=3.0))
    reports: list[Progress] = []
    plan = solve(problem, control=SolveControl(reports.append))
    phases = [r.phase for r in reports]
    assert phases[0] == CONSTRUCT
    assert phases[-2:] == [FINISH, DONE]
    assert set(phases[1:-2]) == {IMPROVE}
    assert reports[0].delivered == 0
    assert reports[-1].delivered == plan.stats.delivered_periods
    assert all(r.demand == problem.demand_periods for r in reports)
    assert all(r.bound == quick_bound(problem) for r in reports)
    assert all(r.delivered <= r.bound for r in reports)
    assert reports[-1].seconds_left == 0.0
    assert not any(r.stopped for r in reports)


def test_stopped_solve_returns_its_best_plan_without_further_steps() -> None:
    bundle = generate_bundle(classrooms=30, teachers=10, seed=5)
    options = dataclasses.replace(
        TEST_OPTIONS, monolithic_max_options=0, time_limit_s=120.0, lns_subsolve_s=0.5
    )
    problem = build_problem(bundle, options)
    reports: list[Progress] = []

    def stop_when_improving(progress: Progress) -> None:
        reports.append(progress)
        if progress.phase == IMPROVE:
            control.stop()

    control = SolveControl(stop_when_improving)
    plan = solve(problem, control=control)
    assert [r.phase for r in reports] == [CONSTRUCT, IMPROVE, FINISH, DONE]
    assert reports[-1].stopped
    assert reports[-1].delivered == plan.stats.delivered_periods == reports[1].delivered
    assert validate_plan(problem, plan) == []
    assert sum(u.periods for u in plan.unmet) == problem.demand_periods - reports[-1].delivered


def test_solve_without_control_is_unchanged_for_a_seed() -> None:
    bundle = generate_bundle(classrooms=12, teachers=5, seed=3)
    options = dataclasses.replace(
        TEST_OPTIONS, time_limit_s=30.0, deterministic_time=0.1, monolithic_max_options=10**6
    )
    problem = build_problem(bundle, options)
    assert solve(problem).sessions == solve(problem, control=None).sessions
