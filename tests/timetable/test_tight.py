"""The tight profile: a small shortage county solved to proven optimality, beside the baselines."""

from __future__ import annotations

import pytest

from coordinator.bundle.synthetic import generate_bundle
from coordinator.timetable import (
    Problem,
    build_problem,
    cpsat_bound,
    greedy_plan,
    lp_bound,
    solve,
    validate_plan,
)
from coordinator.timetable.baseline import naive_plan, topk_plan
from coordinator.timetable.greedy import greedy
from coordinator.timetable.score import served_by

from .factories import with_options


@pytest.fixture(scope="module")
def tight() -> Problem:
    bundle = generate_bundle(classrooms=10, teachers=4, seed=1, profile="tight")
    return build_problem(bundle, with_options(time_limit_s=30.0, deterministic_time=20.0))


def test_solve_tight_county_is_proven_optimal_and_beats_the_baselines(tight: Problem) -> None:
    plan = solve(tight)
    naive = naive_plan(tight)

    assert plan.status == "OPTIMAL"
    assert validate_plan(tight, plan) == []
    assert naive.stats.delivered_periods < plan.stats.delivered_periods <= lp_bound(tight)
    assert greedy_plan(tight).stats.delivered_periods <= plan.stats.delivered_periods
    assert plan.stats.delivered_periods < plan.stats.demand_periods  # a shortage: not all


def test_cpsat_bound_of_a_small_tight_county_is_its_proven_optimum_below_the_lp(
    tight: Problem,
) -> None:
    plan = solve(tight)

    assert plan.status == "OPTIMAL"  # delivering outweighs every other term: the most periods
    assert cpsat_bound(tight, 60.0) == plan.stats.delivered_periods < lp_bound(tight)


def test_solve_tight_county_same_seed_gives_the_same_plan(tight: Problem) -> None:
    assert solve(tight).sessions == solve(tight).sessions


def test_naive_plan_never_shares_a_broadcast(tight: Problem) -> None:
    plan = naive_plan(tight)

    assert validate_plan(tight, plan) == []
    assert [s for s in plan.sessions if len(s.classroom_ids) > 1 and s.pinned_id is None] == []


def test_topk_plan_is_valid_and_keeps_its_hint(tight: Problem) -> None:
    hint = served_by(tight, greedy(tight)).delivered
    plan = topk_plan(tight, 2, 5.0)

    assert validate_plan(tight, plan) == []
    assert plan.stats.delivered_periods >= sum(
        min(count, tight.needs[need].periods) for need, count in hint.items()
    )


def test_tight_wide_county_has_three_times_the_options_at_the_same_tightness() -> None:
    tight, wide = (
        build_problem(
            generate_bundle(classrooms=60, teachers=25, seed=3, profile=profile), with_options()
        )
        for profile in ("tight", "tight-wide")
    )
    sessions = sum(t.max_per_week for t in wide.teachers)

    assert 15_000 <= wide.option_count() <= 50_000
    assert wide.option_count() > 3 * tight.option_count()
    assert 1.85 <= wide.demand_periods / sessions <= 2.25
