"""Scale: lesson options from bit masks, and the time limit kept on a larger tight instance."""

from __future__ import annotations

import time

import pytest

from coordinator.bundle.synthetic import generate_bundle
from coordinator.timetable import Problem, build_problem, solve, validate_plan

from .factories import with_options

HANG_S = 300  # a ceiling that catches a solve ignoring its limit; timing is in benchmarks/


@pytest.fixture(scope="module")
def district_part() -> Problem:
    bundle = generate_bundle(classrooms=120, teachers=40, seed=2, profile="tight")
    return build_problem(bundle, with_options())


def _by_definition(problem: Problem, need: int, teachers: set[int] | None) -> list[tuple[int, int]]:
    """Qualified (and listed) teachers x the classroom's fitting slots the teacher is free for."""
    fit = problem.fits[problem.needs[need].classroom]
    return [
        (t, s)
        for t in problem.qualified[need]
        if teachers is None or t in teachers
        for s in fit
        if s in problem.free[t]
    ]


def test_options_for_equals_its_definition_in_the_same_order(district_part: Problem) -> None:
    problem = district_part
    total = 0
    for need in range(len(problem.needs)):
        nearby = set(problem.nearby[need])
        assert problem.options_for(need) == _by_definition(problem, need, None)
        assert problem.options_for(need, nearby) == _by_definition(problem, need, nearby)
        total += len(problem.options_for(need))
    assert total > 10 * len(problem.needs)  # the instance has options to get wrong


def test_solve_with_a_tiny_limit_returns_a_valid_plan_with_every_shortfall_explained(
    district_part: Problem,
) -> None:
    started = time.monotonic()
    plan = solve(district_part, time_limit_s=0.2)
    assert time.monotonic() - started < HANG_S
    assert validate_plan(district_part, plan) == []
    missing = sum(unmet.periods for unmet in plan.unmet)
    assert plan.stats.delivered_periods > 0
    assert plan.stats.delivered_periods + missing == plan.stats.demand_periods
